"""Clips against the single closest reference only, instead of taking each n-gram's max over all references.

Loses: clipping
Hint: the limit of each n-gram is its largest count in ANY reference, found for
  every n-gram separately; counts from one chosen reference are too low when another
  reference holds the n-gram more often.
"""


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    if not references:
        return 0, sum(hyp_counts.values())
    best = min(references, key=lambda ref: (abs(len(ref) - len(hypothesis)), len(ref)))
    ref_counts = ngrams(best, n)
    matches = sum(min(count, ref_counts[gram]) for gram, count in hyp_counts.items())
    return matches, sum(hyp_counts.values())
