"""Reads the mask as True = blocked (nn.MultiheadAttention's convention).

Loses: sdpa, fully_masked, multi_head, encoder_layer, decoder_layer
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    row_has_key = torch.isfinite(scores).any(dim=-1, keepdim=True)
    scores = scores.masked_fill(~row_has_key, 0.0)
    weights = torch.softmax(scores, dim=-1).masked_fill(~row_has_key, 0.0)
    return weights @ v, weights
