"""Reads the mask the wrong way round (True = padding, as in nn.MultiheadAttention's key_padding_mask).

Loses: masked_softmax
Hint: in this course True means 'may be attended' (torch's scaled_dot_product_attention
  convention): fill the scores where the mask is False, scores.masked_fill(~mask, float('-inf')).
"""


def attend(scores, values, mask=None):
    if mask is not None:
        if not bool(mask.any(dim=1).all()):
            raise ValueError("mask: a row has no True position")
        scores = scores.masked_fill(mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
