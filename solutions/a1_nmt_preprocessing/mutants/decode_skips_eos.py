"""decode drops every special id instead of stopping at the first <eos>.

Loses: decode
Hint: stop at the first <eos>: what the model produced after it is not part of the translation (and
  only one leading <sos> is dropped).
"""


def decode(ids, vocab):
    return vocab.lookup_tokens([int(i) for i in ids if int(i) not in (PAD_ID, SOS_ID, EOS_ID)])
