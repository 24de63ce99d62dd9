"""causal_mask that excludes the diagonal (position i sees only 0..i-1).

Loses: masks
"""


def causal_mask(length):
    return torch.tril(torch.ones(length, length, dtype=torch.bool), diagonal=-1)
