"""A plain masked softmax: a query whose keys are all masked gets NaN.

Loses: fully_masked
Hint: a softmax over a row of only -inf is 0/0 = NaN: find the query rows with no
  allowed key and give them zero weights (and so a zero output).
"""


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights
