"""numericalize calls src_tokens.reverse() and then truncates: it keeps the sentence's END and reverses the caller's list.

Loses: numericalize
Hint: truncate first, then reverse the ids into a new list (ids[::-1]): src_tokens.reverse() changes
  the caller's list, and reversing before cutting keeps the END of the sentence.
"""


def numericalize(src_tokens, tgt_tokens, src_vocab, tgt_vocab, max_len, *, reverse_source=False):
    if max_len < 2:
        raise ValueError("max_len must be at least 2")
    if reverse_source:
        src_tokens.reverse()
    src_ids = [src_vocab[t] for t in src_tokens[:max_len]]
    tgt_ids = [SOS_ID] + [tgt_vocab[t] for t in tgt_tokens[:max_len - 2]] + [EOS_ID]
    return src_ids, tgt_ids
