"""Reads the mask as True = blocked (nn.MultiheadAttention's convention).

Loses: sdpa, fully_masked
Hint: in this course a mask is True where attention is ALLOWED (as in
  F.scaled_dot_product_attention): fill the scores with -inf where the mask is False
  (masked_fill(~mask, ...)), not where it is True (nn.MultiheadAttention's convention).
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    row_has_key = torch.isfinite(scores).any(dim=-1, keepdim=True)
    scores = scores.masked_fill(~row_has_key, 0.0)
    weights = torch.softmax(scores, dim=-1).masked_fill(~row_has_key, 0.0)
    return weights @ v, weights
