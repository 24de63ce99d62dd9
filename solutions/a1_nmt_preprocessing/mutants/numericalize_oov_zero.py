"""numericalize looks tokens up with stoi.get(token, 0), so unknown tokens get 0 (<pad>) instead of 1 (<unk>).

Loses: numericalize
Hint: an unknown token gets the id of <unk>, 1 (vocab[token] gives it), not 0, which is <pad>.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    src_ids = [src_vocab.stoi.get(t, 0) for t in src_tokens[:max_len]]
    if reverse_source:
        src_ids = src_ids[::-1]
    tgt_ids = [SOS_ID] + [tgt_vocab.stoi.get(t, 0) for t in tgt_tokens[:max_len - 2]] + [EOS_ID]
    return src_ids, tgt_ids
