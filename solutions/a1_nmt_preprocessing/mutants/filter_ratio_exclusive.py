"""filter_pairs removes a pair whose length ratio equals max_ratio (it keeps only ratio < max_ratio).

Loses: filter_pairs
Hint: a ratio equal to max_ratio is kept: remove a pair only when longer / shorter is GREATER than
  max_ratio.
"""


def filter_pairs(pairs, max_len, max_ratio=9.0):
    kept = []
    for source, target in pairs:
        src_len, tgt_len = len(tokenize(source)), len(tokenize(target))
        if 1 <= src_len <= max_len and 1 <= tgt_len <= max_len and max(src_len, tgt_len) / min(src_len, tgt_len) < max_ratio:
            kept.append((source, target))
    return kept
