"""Flips the coins with the random module's global random.random() instead of rng.

Loses: sop
Hint: flip every coin with the rng argument (rng.random(), rng.randrange(2)), not with the
  random module's global functions: the same rng state must give the same examples.
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        for first, second in zip(document, document[1:]):
            if random.random() < 0.5:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(second), list(first), 1))
    return examples
