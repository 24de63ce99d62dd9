"""bucketed_batch_indices shuffles the batches with a fresh random.Random() when rng is None instead of keeping their order.

Loses: bucketing
Hint: with rng=None nothing is shuffled (no fresh random.Random()): return the batches in the order
  you built them.
"""


def bucketed_batch_indices(lengths, batch_size, max_pad_len, rng=None):
    if not lengths:
        return []
    rng = rng or random.Random()
    width = max_pad_len + 1
    min_src = min(s for s, _ in lengths)
    min_tgt = min(t for _, t in lengths)
    bins = {}
    for index, (s, t) in enumerate(lengths):
        bins.setdefault(((s - min_src) // width, (t - min_tgt) // width), []).append(index)
    batches = [members[start:start + batch_size]
               for key, members in sorted(bins.items()) for start in range(0, len(members), batch_size)]
    rng.shuffle(batches)
    return batches
