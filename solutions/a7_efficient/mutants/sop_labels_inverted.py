"""Labels the in-order example 1 and the swapped one 0.

Loses: sop
Hint: label 0 means the two sentences are in their order in the document, (A, B, 0);
  label 1 means they are swapped, (B, A, 1).
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        for first, second in zip(document, document[1:]):
            if rng.random() < 0.5:
                examples.append((list(first), list(second), 1))
            else:
                examples.append((list(second), list(first), 0))
    return examples
