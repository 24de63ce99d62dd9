"""Counts <sos> in the length that divides the logprob (len(tokens) + 1).

Loses: length_norm
Hint: len(tokens) counts the generated tokens only: <sos> is fed to the model but is not one of
  them, so [a, <eos>] has length 2.
"""


def length_normalised(logprob, length, alpha):
    return logprob / (length + 1) ** alpha
