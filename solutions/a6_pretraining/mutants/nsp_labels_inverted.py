"""Uses label 1 for IsNext and 0 for a random B (the inverse of Hugging Face's convention).

Loses: nsp_pairs
Hint: Hugging Face's convention: label 0 = IsNext (B really follows A), label 1 =
  NotNext (B is a random sentence).
"""

_reference_make_nsp_examples = make_nsp_examples


def make_nsp_examples(documents, rng):
    return [(a, b, 1 - label) for a, b, label in _reference_make_nsp_examples(documents, rng)]
