"""Positional encoding with all the sin columns first and all the cos columns after them.

Loses: positional_encoding
Hint: sin and cos columns alternate: column 2i holds sin and column 2i+1 holds cos of the
  same angle (pe[:, 0::2] and pe[:, 1::2]); concatenating [sin..., cos...] puts them in
  two halves instead.
"""


def sinusoidal_positional_encoding(max_len, d_model):
    if d_model % 2 != 0:
        raise ValueError("d_model must be even")
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = pos / torch.pow(10000.0, torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=-1).float()
