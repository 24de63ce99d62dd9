"""bucketed_batch_indices groups by source length only and ignores the target lengths.

Loses: bucketing
Hint: bin by the target length too: the target lengths of a batch must also lie within max_pad_len
  of each other.
"""


def bucketed_batch_indices(lengths, batch_size, max_pad_len, rng=None):
    if not lengths:
        return []
    width = max_pad_len + 1
    min_src = min(s for s, _ in lengths)
    bins = {}
    for index, (s, t) in enumerate(lengths):
        bins.setdefault((s - min_src) // width, []).append(index)
    batches = []
    for key in sorted(bins):
        members = bins[key]
        for start in range(0, len(members), batch_size):
            batches.append(members[start:start + batch_size])
    if rng is not None:
        rng.shuffle(batches)
    return batches
