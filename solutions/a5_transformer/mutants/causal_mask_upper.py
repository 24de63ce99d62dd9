"""causal_mask with torch.triu: True above the diagonal, so position i sees the future.

Loses: masks
Hint: the causal mask is True on and BELOW the diagonal (torch.tril): row i allows
  columns 0..i; torch.triu allows the future positions instead.
"""


def causal_mask(length):
    return torch.triu(torch.ones(length, length, dtype=torch.bool))
