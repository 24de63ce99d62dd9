"""Concatenates [h_s; h_t] (key first) in the concat score.

Loses: concat_score
Hint: the concatenation puts the query first, [h_t; h_s]: torch.cat([queries, keys], dim=-1)
  (W's first query_dim columns read the query).
"""


class ConcatScore(nn.Module):
    def __init__(self, query_dim, key_dim, attn_dim):
        super().__init__()
        self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query, keys):
        queries = query.unsqueeze(1).expand(-1, keys.size(1), -1)
        return self.v(torch.tanh(self.W(torch.cat([keys, queries], dim=2)))).squeeze(2)
