"""Slides the n-gram window over every start position, so the windows that run past the end give shorter tuples.

Loses: ngrams
Hint: only complete windows are n-grams: a window that starts fewer than n tokens
  before the end is cut short by the slice and must not be counted; the starts go up
  to len(tokens) - n.
"""


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens)))
