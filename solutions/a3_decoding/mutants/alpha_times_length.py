"""Applies alpha wrongly: logprob / len(tokens) * alpha instead of logprob / len(tokens) ** alpha.

Loses: length_norm
Hint: alpha is an exponent of the length: score = logprob / len(tokens) ** alpha, not
  logprob / len(tokens) * alpha.
"""


def length_normalised(logprob, length, alpha):
    return logprob / length * alpha
