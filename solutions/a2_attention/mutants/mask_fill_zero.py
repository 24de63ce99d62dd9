"""Fills the masked scores with 0 instead of -inf, so padding still gets weight.

Loses: masked_softmax
Hint: fill the masked scores with float('-inf'), not 0: a score of 0 is just another score
  and still gets weight, while exp(-inf) = 0.
"""


def attend(scores, values, mask=None):
    if mask is not None:
        if not bool(mask.any(dim=1).all()):
            raise ValueError("mask: a row has no True position")
        scores = scores.masked_fill(~mask, 0.0)
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
