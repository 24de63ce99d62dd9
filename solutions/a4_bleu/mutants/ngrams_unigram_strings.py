"""Returns Counter(tokens) for n = 1, so unigram keys are strings instead of 1-tuples.

Loses: ngrams
Hint: the keys are tuples for every n, n = 1 included: ('the',), not 'the'.
"""


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    if n == 1:
        return Counter(tokens)
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
