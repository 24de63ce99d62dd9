"""Takes non-overlapping pairs (sentences 0-1, 2-3, ...), skipping every other pair.

Loses: sop
Hint: every pair of consecutive sentences gives an example, and the pairs overlap:
  (s0, s1), (s1, s2), (s2, s3), ... (range(len(document) - 1), not a step of 2).
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        for i in range(0, len(document) - 1, 2):
            first, second = document[i], document[i + 1]
            if rng.random() < 0.5:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(second), list(first), 1))
    return examples
