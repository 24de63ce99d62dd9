"""Leaves out the tanh of the concat score: v^T W [h_t; h_s].

Loses: concat_score
Hint: the concat score has a hidden layer with a tanh, v^T tanh(W [h_t; h_s]): without the
  tanh, v^T W is just another linear map.
"""


class ConcatScore(nn.Module):
    def __init__(self, query_dim, key_dim, attn_dim):
        super().__init__()
        self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query, keys):
        queries = query.unsqueeze(1).expand(-1, keys.size(1), -1)
        return self.v(self.W(torch.cat([queries, keys], dim=2))).squeeze(2)
