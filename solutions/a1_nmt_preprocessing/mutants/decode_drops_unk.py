"""decode leaves <unk> out of the output, as if it were padding.

Loses: decode
Hint: keep <unk> as the string '<unk>': it says that the model did not know a word, and hiding it
  hides the problem.
"""


def decode(ids, vocab):
    ids = [int(i) for i in ids]
    if ids and ids[0] == SOS_ID:
        ids = ids[1:]
    kept = []
    for index in ids:
        if index == EOS_ID:
            break
        if index not in (PAD_ID, UNK_ID):
            kept.append(index)
    return vocab.lookup_tokens(kept)
