"""Flips the coin with rng.randint(0, 2), which has three outcomes: swaps 2 pairs in 3.

Loses: sop
Hint: the coin is fair: swap with probability exactly 1/2. rng.randint(a, b) includes b,
  so rng.randint(0, 2) has three outcomes; use rng.random() < 0.5, rng.randrange(2) or
  rng.randint(0, 1).
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        for first, second in zip(document, document[1:]):
            if rng.randint(0, 2):
                examples.append((list(second), list(first), 1))
            else:
                examples.append((list(first), list(second), 0))
    return examples
