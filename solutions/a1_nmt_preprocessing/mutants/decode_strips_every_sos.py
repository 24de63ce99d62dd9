"""decode drops every <sos>, not only the leading one.

Loses: decode
Hint: drop only ONE leading <sos>; a <sos> later in the sequence stays as '<sos>', so that the
  model's mistake shows.
"""


def decode(ids, vocab):
    kept = []
    for index in [int(i) for i in ids]:
        if index == EOS_ID:
            break
        if index not in (PAD_ID, SOS_ID):
            kept.append(index)
    return vocab.lookup_tokens(kept)
