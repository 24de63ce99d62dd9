"""Checks no arguments: no ValueError anywhere (odd d_model gives a ragged encoding, step 0 divides by zero).

Loses: validation
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
    return torch.zeros(max_len, d_model)


def noam_lr(step, d_model, warmup, factor=1.0):
    return factor * d_model ** -0.5 * min(max(step, 1e-9) ** -0.5, step * warmup ** -1.5)
