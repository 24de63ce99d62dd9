"""bucketed_batch_indices makes one group per exact (source, target) length pair, so it builds far more batches than needed.

Loses: bucketing
Hint: group the samples by length BIN, (length - smallest length) // (max_pad_len + 1) on both
  sides, not by exact (source, target) lengths: exact groups make many tiny batches.
"""


def bucketed_batch_indices(lengths, batch_size, max_pad_len, rng=None):
    groups = {}
    for index, pair in enumerate(lengths):
        groups.setdefault(tuple(pair), []).append(index)
    batches = []
    for key in sorted(groups):
        members = groups[key]
        for start in range(0, len(members), batch_size):
            batches.append(members[start:start + batch_size])
    if rng is not None:
        rng.shuffle(batches)
    return batches
