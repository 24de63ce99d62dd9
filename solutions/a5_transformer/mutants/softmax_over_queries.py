"""Takes the softmax over the queries (dim -2) instead of the keys.

Loses: sdpa
Hint: the softmax runs over the KEYS, the last axis (dim=-1): each query's weights
  must sum to 1. torch.softmax(scores, dim=-2) normalises over the queries instead.
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, -1e9)
    weights = torch.softmax(scores, dim=-2)
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v, weights
