"""Ignores the mask altogether (no masking, no check for empty rows).

Loses: masked_softmax, attend_validation
Hint: attend must use its mask: fill the scores where the mask is False with -inf
  before the softmax, and raise ValueError when a row of the mask has no True.
"""


def attend(scores, values, mask=None):
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
