"""Divides the dot score by sqrt(H), as the Transformer's scaled dot product does.

Loses: dot_score
"""


def dot_score(query, keys):
    return torch.bmm(keys, query.unsqueeze(2)).squeeze(2) / keys.size(-1) ** 0.5
