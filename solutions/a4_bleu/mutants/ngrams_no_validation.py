"""ngrams does not check n, so n = 0 returns empty tuples instead of raising ValueError.

Loses: ngrams
Hint: n < 1 must raise ValueError (there are no 0-grams): check n before counting.
"""


def ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
