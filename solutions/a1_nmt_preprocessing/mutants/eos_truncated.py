"""numericalize adds <sos>/<eos> first and truncates afterwards, so a long target loses its <eos>.

Loses: numericalize
Hint: cut the target TOKENS to max_len - 2 before adding <sos> and <eos>: cutting [<sos>] + ids +
  [<eos>] to max_len throws the <eos> away.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    src_ids = [src_vocab[t] for t in src_tokens[:max_len]]
    if reverse_source:
        src_ids = src_ids[::-1]
    tgt_ids = ([SOS_ID] + [tgt_vocab[t] for t in tgt_tokens] + [EOS_ID])[:max_len]
    return src_ids, tgt_ids
