"""numericalize keeps max_len target tokens and then adds <sos> and <eos>: max_len + 2 ids.

Loses: numericalize
Hint: the target has at most max_len ids in all, <sos> and <eos> included: keep its first
  max_len - 2 tokens.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    src_ids = [src_vocab[t] for t in src_tokens[:max_len]]
    if reverse_source:
        src_ids = src_ids[::-1]
    tgt_ids = [SOS_ID] + [tgt_vocab[t] for t in tgt_tokens[:max_len]] + [EOS_ID]
    return src_ids, tgt_ids
