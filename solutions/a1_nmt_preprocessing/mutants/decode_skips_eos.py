"""decode drops every special id instead of stopping at the first <eos>.

Loses: decode
"""


def decode(ids, vocab):
    return vocab.lookup_tokens([int(i) for i in ids if int(i) not in (PAD_ID, SOS_ID, EOS_ID)])
