"""Always uses the orders 1..4 with weights 1/4, whatever max_n says.

Loses: combination
Hint: BLEU combines the orders 1..max_n with weights 1/max_n: look for a 4 (or 0.25)
  written into your code where max_n belongs.
"""


def _sentence_statistics(hypothesis, references, max_n):
    matches, totals = [], []
    for n in range(1, 5):
        matched, total = modified_precision(hypothesis, references, n)
        matches.append(matched)
        totals.append(total)
    ref_len = closest_ref_length(len(hypothesis), [len(reference) for reference in references])
    return matches, totals, len(hypothesis), ref_len


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if not hypotheses:
        raise ValueError("hypotheses is empty")
    if len(references) != len(hypotheses):
        raise ValueError("references and hypotheses differ in length")
    matches, totals = [0] * 4, [0] * 4
    hyp_len = ref_len = 0
    for hypothesis, sentence_refs in zip(hypotheses, references):
        if not sentence_refs:
            raise ValueError("a hypothesis has no reference")
        s_matches, s_totals, s_hyp, s_ref = _sentence_statistics(hypothesis, sentence_refs, max_n)
        matches = [a + b for a, b in zip(matches, s_matches)]
        totals = [a + b for a, b in zip(totals, s_totals)]
        hyp_len += s_hyp
        ref_len += s_ref
    return _bleu_from_statistics(matches, totals, hyp_len, ref_len, smooth=False, effective_order=False)
