"""filter_pairs checks len_src / len_tgt <= max_ratio only, so a much longer target passes.

Loses: filter_pairs
Hint: the ratio is longer / shorter, whichever side is longer: max(len_src, len_tgt) /
  min(len_src, len_tgt).
"""


def filter_pairs(pairs, max_len, max_ratio=9.0):
    kept = []
    for source, target in pairs:
        src_len, tgt_len = len(tokenize(source)), len(tokenize(target))
        if 1 <= src_len <= max_len and 1 <= tgt_len <= max_len and src_len / tgt_len <= max_ratio:
            kept.append((source, target))
    return kept
