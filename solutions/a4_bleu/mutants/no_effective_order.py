"""Sentence BLEU always uses all max_n orders, so a short hypothesis with no 4-gram scores 0.

Loses: sentence_bleu
"""


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    statistics = _sentence_statistics(hypothesis, references, max_n)
    return _bleu_from_statistics(*statistics, smooth=True, effective_order=False)
