"""Clips an n-gram by its count summed over all references instead of its largest count in one reference.

Loses: clipping
Hint: the clip limit of an n-gram is its largest count in any ONE reference (the
  maximum over the references), not its count summed over all references.
"""


def _max_reference_counts(references, n):
    limits = Counter()
    for reference in references:
        limits.update(ngrams(reference, n))  # adds the counts: the sum over references
    return limits
