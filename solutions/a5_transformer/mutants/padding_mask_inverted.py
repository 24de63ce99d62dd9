"""padding_mask is True on the padding (ids == pad_id) instead of on the real tokens.

Loses: masks
Hint: a mask is True where attention is ALLOWED: True on the real tokens (ids != pad_id)
  and False on the padding.
"""


def padding_mask(ids, pad_id=0):
    return (ids == pad_id)[:, None, None, :]
