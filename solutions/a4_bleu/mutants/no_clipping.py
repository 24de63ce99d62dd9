"""Counts every hypothesis n-gram that occurs in some reference, however often it repeats (no clipping).

Loses: clipping
Hint: a hypothesis n-gram is credited at most as many times as it occurs in a
  reference (clipping): min(count in the hypothesis, largest count in one reference).
"""


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    in_some_reference = set()
    for reference in references:
        in_some_reference.update(ngrams(reference, n))
    matches = sum(count for gram, count in hyp_counts.items() if gram in in_some_reference)
    return matches, sum(hyp_counts.values())
