"""Checks no arguments: no ValueError anywhere (an odd d_model gets a last sin column, step 0 gives 0).

Loses: validation
Hint: check the arguments first and raise ValueError: num_heads must divide
  d_model, d_model must be even for the positional encoding, and step must be >= 1.
"""


class MultiHeadAttention(MultiHeadAttention):
    def __init__(self, d_model, num_heads, dropout=0.0):
        nn.Module.__init__(self)
        self.d_model, self.num_heads, self.d_k = d_model, num_heads, max(1, d_model // num_heads)
        self.w_q = nn.Linear(d_model, d_model)
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)


def sinusoidal_positional_encoding(max_len, d_model):
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    column = torch.arange(d_model)[None, :]
    angle = pos / torch.pow(10000.0, (column // 2 * 2).double() / d_model)
    return torch.where(column % 2 == 0, torch.sin(angle), torch.cos(angle)).float()


def noam_lr(step, d_model, warmup, factor=1.0):
    return factor * d_model ** -0.5 * min(max(step, 1e-9) ** -0.5, step * warmup ** -1.5)
