"""Keeps the true next sentence (label 0) when no other document exists, instead of raising.

Loses: validation
Hint: check before making any example: when a document has a pair and no OTHER document
  has a sentence, raise ValueError (do not quietly fall back to IsNext).
"""


def make_nsp_examples(documents, rng):
    non_empty = [d for d, doc in enumerate(documents) if len(doc) > 0]
    examples = []
    for d, doc in enumerate(documents):
        others = [o for o in non_empty if o != d]
        for i in range(len(doc) - 1):
            if rng.random() < 0.5 or not others:
                examples.append((list(doc[i]), list(doc[i + 1]), 0))
            else:
                examples.append((list(doc[i]), list(rng.choice(documents[rng.choice(others)])), 1))
    return examples
