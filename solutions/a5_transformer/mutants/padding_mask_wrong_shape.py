"""padding_mask returns [B, S] instead of [B, 1, 1, S].

Loses: masks
"""


def padding_mask(ids, pad_id=0):
    return ids != pad_id
