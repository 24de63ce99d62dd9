"""corpus_bleu forgets the brevity penalty: the geometric mean of the summed precisions alone.

Loses: corpus_level
Hint: corpus BLEU is the geometric mean of the precisions TIMES the brevity penalty of
  the corpus, brevity_penalty(summed hypothesis lengths, summed closest reference
  lengths): a short corpus must score less.
"""


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    matches, totals = [0] * max_n, [0] * max_n
    for hypothesis, sentence_refs in zip(hypotheses, references):
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
        s_matches, s_totals, _, _ = _sentence_statistics(hypothesis, sentence_refs, max_n)
        matches = [a + b for a, b in zip(matches, s_matches)]
        totals = [a + b for a, b in zip(totals, s_totals)]
    if min(matches) == 0:
        return 0.0
    return 100.0 * math.exp(sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n)
