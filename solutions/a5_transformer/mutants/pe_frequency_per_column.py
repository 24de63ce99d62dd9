"""Positional encoding whose exponent uses the column index j instead of 2i (j//2*2).

Loses: positional_encoding
Hint: columns 2i and 2i+1 share ONE frequency, 1 / 10000^(2i / d_model): use the
  even index 2i for both the sin and the cos column, not each column's own index.
"""


def sinusoidal_positional_encoding(max_len, d_model):
    if d_model % 2 != 0:
        raise ValueError("d_model must be even")
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    column = torch.arange(d_model, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(10000.0, column / d_model)
    pe = torch.where(column.long() % 2 == 0, torch.sin(angle), torch.cos(angle))
    return pe.float()
