"""causal_mask that excludes the diagonal (position i sees only 0..i-1).

Loses: masks
Hint: position i may attend to itself too: the causal mask is True ON and below the
  diagonal (torch.tril with the default diagonal=0).
"""


def causal_mask(length):
    return torch.tril(torch.ones(length, length, dtype=torch.bool), diagonal=-1)
