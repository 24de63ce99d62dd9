"""Positional encoding with cos on even and sin on odd columns.

Loses: positional_encoding
Hint: sin goes in the even columns (0, 2, 4, ...) and cos in the odd ones: position
  0 is [0, 1, 0, 1, ...].
"""


def sinusoidal_positional_encoding(max_len, d_model):
    if d_model % 2 != 0:
        raise ValueError("d_model must be even")
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = pos / torch.pow(10000.0, torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.cos(angle)
    pe[:, 1::2] = torch.sin(angle)
    return pe.float()
