"""Averages each sentence's n-gram precision over the corpus instead of dividing the summed matches by the summed totals.

Loses: corpus_level
Hint: add up the matches and the totals of all sentences and divide once per order;
  the mean of the sentences' precisions gives a short sentence as much weight as a
  long one.
"""


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    precisions = [0.0] * max_n
    hyp_len = ref_len = 0
    for hypothesis, sentence_refs in zip(hypotheses, references):
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
        s_matches, s_totals, s_hyp, s_ref = _sentence_statistics(hypothesis, sentence_refs, max_n)
        for n in range(max_n):
            precisions[n] += _ratio(s_matches[n], s_totals[n]) / len(hypotheses)
        hyp_len += s_hyp
        ref_len += s_ref
    if min(precisions) == 0:
        return 0.0
    mean = math.exp(sum(math.log(p) for p in precisions) / max_n)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * mean
