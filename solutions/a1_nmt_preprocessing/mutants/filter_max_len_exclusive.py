"""filter_pairs removes a pair with a side of exactly max_len tokens (it keeps only len < max_len).

Loses: filter_pairs
Hint: a side of exactly max_len tokens is kept: both bounds, 1 and max_len, are included.
"""


def filter_pairs(pairs, max_len, max_ratio=9.0):
    kept = []
    for source, target in pairs:
        src_len, tgt_len = len(tokenize(source)), len(tokenize(target))
        if 1 <= src_len < max_len and 1 <= tgt_len < max_len and max(src_len, tgt_len) / min(src_len, tgt_len) <= max_ratio:
            kept.append((source, target))
    return kept
