"""numericalize with reverse_source=True reverses the target tokens as well as the source.

Loses: numericalize
Hint: reverse_source reverses only the source ids; the target keeps its order.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    src = src_tokens[:max_len]
    tgt = tgt_tokens[:max_len - 2]
    if reverse_source:
        src, tgt = src[::-1], tgt[::-1]
    return [src_vocab[t] for t in src], [SOS_ID] + [tgt_vocab[t] for t in tgt] + [EOS_ID]
