"""Sentence BLEU without smoothing: one order without a match gives 0.

Loses: sentence_bleu
Hint: sentence BLEU smooths: the k-th order that has n-grams but no match gets
  the precision 1 / (2**k * total) instead of 0.
"""


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    statistics = _sentence_statistics(hypothesis, references, max_n)
    return _bleu_from_statistics(*statistics, smooth=False, effective_order=True)
