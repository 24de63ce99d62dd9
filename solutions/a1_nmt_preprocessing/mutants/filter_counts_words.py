"""filter_pairs measures lengths in whitespace-separated words instead of tokens.

Loses: filter_pairs
Hint: count the tokens of tokenize(side), punctuation included, not the whitespace-separated words.
"""


def filter_pairs(pairs, max_len, max_ratio=9.0):
    kept = []
    for source, target in pairs:
        src_len, tgt_len = len(source.split()), len(target.split())
        if not (1 <= src_len <= max_len and 1 <= tgt_len <= max_len):
            continue
        if max(src_len, tgt_len) / min(src_len, tgt_len) <= max_ratio:
            kept.append((source, target))
    return kept
