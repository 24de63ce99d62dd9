"""numericalize does not check max_len, so max_len < 2 silently returns a target with <sos> and <eos> anyway.

Loses: validation
Hint: numericalize raises ValueError when max_len < 2: there is no room for <sos> and <eos>.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    src_ids = [src_vocab[t] for t in src_tokens[:max(max_len, 0)]]
    if reverse_source:
        src_ids = src_ids[::-1]
    tgt_ids = [SOS_ID] + [tgt_vocab[t] for t in tgt_tokens[:max(max_len - 2, 0)]] + [EOS_ID]
    return src_ids, tgt_ids
