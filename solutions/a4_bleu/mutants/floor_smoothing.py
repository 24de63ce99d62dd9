"""Sentence BLEU smooths an unmatched order with sacrebleu's 'floor' method (0.1 / total) instead of 'exp'.

Loses: sentence_bleu
Hint: the contract's smoothing is sacrebleu's "exp" method: the k-th order without a
  match gets 1 / (2**k * total), not a fixed small count such as 0.1 / total.
"""


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not references:
        raise ValueError("references is empty")
    matches, totals, hyp_len, ref_len = _sentence_statistics(hypothesis, references, max_n)
    if sum(matches) == 0:
        return 0.0
    orders = next((n for n, total in enumerate(totals) if total == 0), len(totals))
    log_sum = 0.0
    for matched, total in zip(matches[:orders], totals[:orders]):
        log_sum += math.log(matched / total if matched else 0.1 / total)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * math.exp(log_sum / orders)
