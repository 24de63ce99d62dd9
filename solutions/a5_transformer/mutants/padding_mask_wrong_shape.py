"""padding_mask returns [B, S] instead of [B, 1, 1, S].

Loses: masks
Hint: return the mask as [B, 1, 1, S] (ids != pad_id)[:, None, None, :], so that it
  broadcasts over the heads and the queries.
"""


def padding_mask(ids, pad_id=0):
    return ids != pad_id
