"""Stops the n-gram loop one window early (range(len(tokens) - n)), missing the last n-gram.

Loses: brevity_penalty, clipping, closest_ref, combination, corpus_level, max_order, ngrams, sentence_bleu
"""


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n))
