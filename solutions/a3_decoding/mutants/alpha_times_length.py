"""Applies alpha wrongly: logprob / len(tokens) * alpha instead of logprob / len(tokens) ** alpha.

Loses: length_norm, whole_search, model_decode
"""


def length_normalised(logprob, length, alpha):
    return logprob / length * alpha
