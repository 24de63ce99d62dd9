"""Creates the match and total lists inside the loop over sentences, so only the last sentence's counts remain.

Loses: corpus_level
Hint: the lists of matches and totals must be created once, before the loop over the
  sentences, and added to for every sentence; created inside the loop they only hold
  the last sentence's counts.
"""


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    hyp_len = ref_len = 0
    for hypothesis, sentence_refs in zip(hypotheses, references):
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
        matches, totals = [0] * max_n, [0] * max_n
        s_matches, s_totals, s_hyp, s_ref = _sentence_statistics(hypothesis, sentence_refs, max_n)
        matches = [a + b for a, b in zip(matches, s_matches)]
        totals = [a + b for a, b in zip(totals, s_totals)]
        hyp_len += s_hyp
        ref_len += s_ref
    return _bleu_from_statistics(matches, totals, hyp_len, ref_len, smooth=False, effective_order=False)
