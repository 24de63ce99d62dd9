"""Raises ValueError only when the whole mask is False, not when one row is.

Loses: attend_validation
Hint: check every row: mask.any(dim=1) must be True for each row; mask.any() is already
  True when a single row has a True, and the empty row's softmax is then NaN.
"""


def attend(scores, values, mask=None):
    if mask is not None:
        if not bool(mask.any()):
            raise ValueError("mask: no True position")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
