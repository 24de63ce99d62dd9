"""Divides the dot score by sqrt(H), as the Transformer's scaled dot product does.

Loses: dot_score
Hint: Luong's dot score is the plain dot product h_t . h_s: no division by sqrt(H) (that
  is the Transformer's scaled dot product).
"""


def dot_score(query, keys):
    return torch.bmm(keys, query.unsqueeze(2)).squeeze(2) / keys.size(-1) ** 0.5
