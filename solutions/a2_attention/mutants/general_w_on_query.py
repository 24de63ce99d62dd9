"""Applies W to the query instead of the keys in the general score (h_s^T W h_t).

Loses: general_score
Hint: apply W to the keys, self.W(keys) is [B, S, query_dim], then take the dot product with
  the query; W applied to the query computes h_s^T W h_t.
"""


class GeneralScore(nn.Module):
    def __init__(self, query_dim, key_dim):
        super().__init__()
        self.W = nn.Linear(key_dim, query_dim, bias=False)

    def forward(self, query, keys):
        return torch.bmm(keys, self.W(query).unsqueeze(2)).squeeze(2)
