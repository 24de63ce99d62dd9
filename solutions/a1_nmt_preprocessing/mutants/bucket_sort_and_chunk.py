"""bucketed_batch_indices sorts the indices by (source, target) length and cuts the sorted list into chunks of batch_size, so a chunk can straddle a jump in length.

Loses: bucketing
Hint: a chunk of the length-sorted list can straddle a jump in length: put the samples into length
  bins (on both sides) first, then cut each bin into batches.
"""


def bucketed_batch_indices(lengths, batch_size, max_pad_len, rng=None):
    order = sorted(range(len(lengths)), key=lambda i: tuple(lengths[i]))
    batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches
