"""Weights the n-gram precisions as p_n ** (1 / 2**n), as in the d2l.ai notebook, instead of uniform weights.

Loses: combination, sentence_bleu
Hint: every precision has the same weight 1/max_n in the geometric mean:
  BLEU = 100 * BP * (p1 * p2 * ... * p_max_n) ** (1 / max_n); weights like 1/2**n belong to
  another formula.
"""


def _bleu_from_statistics(matches, totals, hyp_len, ref_len, *, smooth, effective_order):
    if sum(matches) == 0:
        return 0.0
    orders = len(totals)
    if effective_order:
        orders = next((n for n, total in enumerate(totals) if total == 0), len(totals))
    score = brevity_penalty(hyp_len, ref_len)
    unmatched = 0
    for n, (matched, total) in enumerate(zip(matches[:orders], totals[:orders]), start=1):
        if total == 0:
            return 0.0
        if matched > 0:
            precision = matched / total
        elif smooth:
            unmatched += 1
            precision = 1.0 / (2 ** unmatched * total)
        else:
            return 0.0
        score *= precision ** (0.5 ** n)
    return 100.0 * score
