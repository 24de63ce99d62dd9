"""Sentence BLEU always uses all max_n orders, so a short hypothesis with no 4-gram scores 0.

Loses: sentence_bleu
Hint: sentence BLEU leaves out the orders for which the hypothesis has no n-gram
  at all (a 2-word hypothesis has no 3-grams): average over orders 1..min(max_n,
  len(hypothesis)) only.
"""


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    statistics = _sentence_statistics(hypothesis, references, max_n)
    return _bleu_from_statistics(*statistics, smooth=True, effective_order=False)
