"""Draws the random B from any document, its own included.

Loses: nsp_pairs
Hint: draw the random B from the OTHER documents only: leave A's own document out
  before choosing.
"""


def make_nsp_examples(documents, rng):
    non_empty = [doc for doc in documents if doc]
    if len(non_empty) < 2:
        raise ValueError("documents")
    examples = []
    for doc in documents:
        for i in range(len(doc) - 1):
            if rng.random() < 0.5:
                examples.append((list(doc[i]), list(doc[i + 1]), 0))
            else:
                examples.append((list(doc[i]), list(rng.choice(rng.choice(non_empty))), 1))
    return examples
