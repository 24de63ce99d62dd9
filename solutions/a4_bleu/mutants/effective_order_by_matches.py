"""Sentence BLEU drops the orders that have no match (instead of only those with no n-grams) and never smooths.

Loses: sentence_bleu
Hint: an order that has n-grams but no match is not left out: exp smoothing
  gives it 1 / (2**k * total). Only orders for which the hypothesis has no n-gram at all
  are left out.
"""


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    matches, totals, hyp_len, ref_len = _sentence_statistics(hypothesis, references, max_n)
    precisions = [m / t for m, t in zip(matches, totals) if m > 0]
    if not precisions:
        return 0.0
    log_mean = sum(math.log(p) for p in precisions) / len(precisions)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * math.exp(log_mean)
