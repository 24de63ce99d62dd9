"""numericalize wraps the source in <sos>/<eos> too.

Loses: numericalize
Hint: only the target gets <sos> and <eos>; the source is just the ids of its first max_len tokens.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    src_ids = [src_vocab[t] for t in src_tokens[:max_len - 2]]
    if reverse_source:
        src_ids = src_ids[::-1]
    tgt_ids = [SOS_ID] + [tgt_vocab[t] for t in tgt_tokens[:max_len - 2]] + [EOS_ID]
    return [SOS_ID] + src_ids + [EOS_ID], tgt_ids
