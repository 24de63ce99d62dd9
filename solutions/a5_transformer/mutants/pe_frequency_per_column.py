"""Positional encoding whose exponent uses the column index j instead of 2i (j//2*2).

Loses: positional_encoding
"""


def sinusoidal_positional_encoding(max_len, d_model):
    if d_model % 2 != 0:
        raise ValueError("d_model must be even")
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    column = torch.arange(d_model, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(10000.0, column / d_model)
    pe = torch.where(column.long() % 2 == 0, torch.sin(angle), torch.cos(angle))
    return pe.float()
