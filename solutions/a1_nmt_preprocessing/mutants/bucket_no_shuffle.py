"""bucketed_batch_indices ignores rng and always returns the batches bin by bin, shortest first.

Loses: bucketing
Hint: when an rng is given, shuffle the ORDER of the batches with it (rng.shuffle(batches)), or
  every epoch meets the lengths in the same order.
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
    return [members[start:start + batch_size]
            for key, members in sorted(bins.items()) for start in range(0, len(members), batch_size)]
