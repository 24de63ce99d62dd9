"""tokenize splits on whitespace only: punctuation stays glued to the words.

Loses: tokenize, filter_pairs, real_sample
"""


def tokenize(text):
    return normalize(text).split()
