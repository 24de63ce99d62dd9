"""modified_precision returns the number of distinct hypothesis n-grams as the total.

Loses: clipping
Hint: the total counts every n-gram of the hypothesis, repeats included (the sum of
  the counts, L - n + 1), not the number of different n-grams.
"""


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    ref_limits = _max_reference_counts(references, n)
    matches = sum(min(count, ref_limits[gram]) for gram, count in hyp_counts.items())
    return matches, len(hyp_counts)
