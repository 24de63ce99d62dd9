"""Computes corpus BLEU as the mean of the sentence BLEUs.

Loses: combination, corpus_level
Hint: corpus BLEU adds up the matches, totals and lengths of all sentences and
  computes ONE score from the sums; it is not the mean of sentence BLEUs (and it does
  not smooth).
"""


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    for sentence_refs in references:
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
    scores = [sentence_bleu(h, refs, max_n) for h, refs in zip(hypotheses, references)]
    return sum(scores) / len(scores)
