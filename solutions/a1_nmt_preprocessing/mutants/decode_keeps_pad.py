"""decode stops at <eos> but leaves <pad> tokens in the output.

Loses: decode
Hint: leave out every <pad> id (0), also those before <eos>.
"""


def decode(ids, vocab):
    ids = [int(i) for i in ids]
    if ids and ids[0] == SOS_ID:
        ids = ids[1:]
    if EOS_ID in ids:
        ids = ids[:ids.index(EOS_ID)]
    return vocab.lookup_tokens(ids)
