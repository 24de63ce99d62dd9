"""Exp smoothing divides order n by 2**n instead of doubling once per unmatched order.

Loses: sentence_bleu
Hint: in exp smoothing k counts the unmatched orders so far (1 for the first
  order without a match, 2 for the second, ...), not the order n itself.
"""


def _bleu_from_statistics(matches, totals, hyp_len, ref_len, *, smooth, effective_order):
    if sum(matches) == 0:
        return 0.0
    orders = len(totals)
    if effective_order:
        orders = next((n for n, total in enumerate(totals) if total == 0), len(totals))
    log_sum = 0.0
    for n, (matched, total) in enumerate(zip(matches[:orders], totals[:orders]), start=1):
        if total == 0:
            return 0.0
        if matched > 0:
            precision = matched / total
        elif smooth:
            precision = 1.0 / (2 ** n * total)
        else:
            return 0.0
        log_sum += math.log(precision)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * math.exp(log_sum / orders)
