"""On tails gives (A, B, 1): the label says swapped but the sentences stay in order.

Loses: sop
Hint: a swapped example really swaps the sentences: tails gives (B, A, 1), the second
  sentence first; only the in-order example is (A, B, 0).
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        for first, second in zip(document, document[1:]):
            label = 0 if rng.random() < 0.5 else 1
            examples.append((list(first), list(second), label))
    return examples
