"""Scores every hypothesis by its raw logprob, ignoring alpha (no length normalisation).

Loses: length_norm, whole_search, model_decode
"""


def length_normalised(logprob, length, alpha):
    return logprob
