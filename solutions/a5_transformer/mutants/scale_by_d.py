"""Divides the scores by d instead of sqrt(d).

Loses: scale
Hint: the scale is 1 / sqrt(d), not 1 / d: dividing by d makes the weights almost
  uniform for large d.
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.size(-1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    row_has_key = torch.isfinite(scores).any(dim=-1, keepdim=True)
    scores = scores.masked_fill(~row_has_key, 0.0)
    weights = torch.softmax(scores, dim=-1).masked_fill(~row_has_key, 0.0)
    return weights @ v, weights
