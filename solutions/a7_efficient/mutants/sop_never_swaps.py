"""Always keeps the pair in order, (A, B, 0): no coin, no swapped example.

Loses: sop
Hint: for each pair flip a fair coin with rng: heads (A, B, 0), tails (B, A, 1); about
  half of the examples are swapped, or the model has nothing to learn.
"""


def make_sop_examples(documents, rng):
    return [(list(first), list(second), 0)
            for document in documents for first, second in zip(document, document[1:])]
