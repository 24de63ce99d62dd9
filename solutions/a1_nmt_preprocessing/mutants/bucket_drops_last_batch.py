"""bucketed_batch_indices drops the last, incomplete batch of every bin.

Loses: bucketing
Hint: keep the last, smaller chunk of every group: range(0, len(members), batch_size) gives every
  chunk, the last one too.
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
    batches = []
    for key in sorted(bins):
        members = bins[key]
        for start in range(0, len(members) - batch_size + 1, batch_size):
            batches.append(members[start:start + batch_size])
    if rng is not None:
        rng.shuffle(batches)
    return batches
