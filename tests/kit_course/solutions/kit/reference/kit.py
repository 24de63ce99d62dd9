"""Kit: the model answer."""

from collections import Counter


def count(tokens):
    return Counter(tokens)


def share(tokens, token):
    if not tokens:
        return 0.0
    return count(tokens)[token] / len(tokens)


def sort_in_place(values):
    return sorted(values)


def coin(generator, n):
    return [1 if generator.random() < 0.3 else 0 for _ in range(n)]
