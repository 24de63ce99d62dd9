"""bucketed_batch_indices shuffles with the random module's global state instead of the rng it is given.

Loses: bucketing
Hint: shuffle with the rng you are given (rng.shuffle(batches)), not with random.shuffle: the caller
  seeds rng to make training reproducible.
"""


def bucketed_batch_indices(lengths, batch_size, max_pad_len, rng=None):
    if not lengths:
        return []
    width = max_pad_len + 1
    min_src = min(s for s, _ in lengths)
    min_tgt = min(t for _, t in lengths)
    bins = {}
    for index, (s, t) in enumerate(lengths):
        bins.setdefault(((s - min_src) // width, (t - min_tgt) // width), []).append(index)
    batches = [members[start:start + batch_size]
               for key, members in sorted(bins.items()) for start in range(0, len(members), batch_size)]
    if rng is not None:
        random.shuffle(batches)
    return batches
