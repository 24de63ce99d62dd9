"""Masks after the softmax (zeroes the padding weights), so rows no longer sum to 1.

Loses: masked_softmax
Hint: mask the SCORES before the softmax (fill them with -inf); zeroing the weights after
  the softmax leaves rows that no longer sum to 1.
"""


def attend(scores, values, mask=None):
    weights = torch.softmax(scores, dim=1)
    if mask is not None:
        if not bool(mask.any(dim=1).all()):
            raise ValueError("mask: a row has no True position")
        weights = weights * mask
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
