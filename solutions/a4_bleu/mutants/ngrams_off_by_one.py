"""Stops the n-gram loop one window early (range(len(tokens) - n)), missing the last n-gram.

Loses: ngrams
Hint: a sentence of L tokens has L - n + 1 n-grams: a loop over
  range(len(tokens) - n) stops one window early and drops the last n-gram.
"""


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n))
