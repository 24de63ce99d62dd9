"""Forgets the 1/sqrt(d) scale: raw dot products go into the softmax.

Loses: scale
Hint: divide the scores q k^T by sqrt(d), d = q.size(-1), before the softmax.
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    row_has_key = torch.isfinite(scores).any(dim=-1, keepdim=True)
    scores = scores.masked_fill(~row_has_key, 0.0)
    weights = torch.softmax(scores, dim=-1).masked_fill(~row_has_key, 0.0)
    return weights @ v, weights
