"""Applies exp(1 - ref_len / hyp_len) to every hypothesis, also to one longer than the reference.

Loses: brevity_penalty, closest_ref, corpus_level, max_order, sentence_bleu
"""


def brevity_penalty(hyp_len, ref_len):
    if hyp_len == 0:
        return 0.0
    return math.exp(1.0 - ref_len / hyp_len)
