"""Averages the n-gram precisions with the arithmetic mean instead of the geometric mean.

Loses: combination, sentence_bleu
Hint: BLEU takes the GEOMETRIC mean of the precisions: multiply them and take the
  max_n-th root (exp of the mean of their logs); adding them up and dividing is the
  arithmetic mean.
"""


def _bleu_from_statistics(matches, totals, hyp_len, ref_len, *, smooth, effective_order):
    if sum(matches) == 0:
        return 0.0
    orders = len(totals)
    if effective_order:
        orders = next((n for n, total in enumerate(totals) if total == 0), len(totals))
    precisions = []
    unmatched = 0
    for matched, total in zip(matches[:orders], totals[:orders]):
        if total == 0:
            precisions.append(0.0)
        elif matched > 0:
            precisions.append(matched / total)
        elif smooth:
            unmatched += 1
            precisions.append(1.0 / (2 ** unmatched * total))
        else:
            precisions.append(0.0)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * sum(precisions) / orders
