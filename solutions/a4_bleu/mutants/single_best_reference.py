"""Clips against the single closest reference only, instead of taking each n-gram's max over all references.

Loses: clipping, closest_ref, corpus_level, sentence_bleu
"""


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    if not references:
        return 0, sum(hyp_counts.values())
    best = min(references, key=lambda ref: (abs(len(ref) - len(hypothesis)), len(ref)))
    ref_counts = ngrams(best, n)
    matches = sum(min(count, ref_counts[gram]) for gram, count in hyp_counts.items())
    return matches, sum(hyp_counts.values())
