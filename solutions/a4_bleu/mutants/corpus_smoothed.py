"""Smooths corpus BLEU too (sacrebleu's default exp method) although the contract asks for no smoothing.

Loses: combination
Hint: corpus_bleu does not smooth: one order without any match in the whole corpus
  makes corpus BLEU 0.0. Only sentence_bleu uses exp smoothing.
"""


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for hypothesis, sentence_refs in zip(hypotheses, references):
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
        s_matches, s_totals, s_hyp, s_ref = _sentence_statistics(hypothesis, sentence_refs, max_n)
        matches = [a + b for a, b in zip(matches, s_matches)]
        totals = [a + b for a, b in zip(totals, s_totals)]
        hyp_len += s_hyp
        ref_len += s_ref
    return _bleu_from_statistics(matches, totals, hyp_len, ref_len, smooth=True, effective_order=False)
