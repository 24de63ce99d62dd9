"""Masks the weights after the softmax: masked weights are 0 but the rest no longer sum to 1.

Loses: sdpa
Hint: mask the scores BEFORE the softmax (fill them with -inf where the mask is False);
  zeroing weights after the softmax leaves each query's weights summing to less than 1.
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    weights = torch.softmax(scores, dim=-1)
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v, weights
