"""Returns BLEU on the 0..1 scale instead of sacrebleu's 0..100.

Loses: combination
Hint: BLEU is reported on the 0..100 scale, like sacrebleu: multiply by 100.
"""


def _bleu_from_statistics(matches, totals, hyp_len, ref_len, *, smooth, effective_order):
    if sum(matches) == 0:
        return 0.0
    orders = len(totals)
    if effective_order:
        orders = next((n for n, total in enumerate(totals) if total == 0), len(totals))
    log_sum = 0.0
    unmatched = 0
    for matched, total in zip(matches[:orders], totals[:orders]):
        if total == 0:
            return 0.0
        if matched > 0:
            precision = matched / total
        elif smooth:
            unmatched += 1
            precision = 1.0 / (2 ** unmatched * total)
        else:
            return 0.0
        log_sum += math.log(precision)
    return brevity_penalty(hyp_len, ref_len) * math.exp(log_sum / orders)
