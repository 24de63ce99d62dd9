"""Gives the general score's W a bias (nn.Linear's default).

Loses: general_score
Hint: W is nn.Linear(key_dim, query_dim, bias=False): h_t^T W h_s has no bias term, and
  nn.Linear adds one unless you pass bias=False.
"""


class GeneralScore(nn.Module):
    def __init__(self, query_dim, key_dim):
        super().__init__()
        self.W = nn.Linear(key_dim, query_dim)

    def forward(self, query, keys):
        return torch.bmm(self.W(keys), query.unsqueeze(2)).squeeze(2)
