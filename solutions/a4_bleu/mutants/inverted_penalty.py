"""Writes the brevity penalty upside down: exp(1 - hyp_len / ref_len).

Loses: brevity_penalty, closest_ref, corpus_level, max_order, sentence_bleu
"""


def brevity_penalty(hyp_len, ref_len):
    if hyp_len > ref_len:
        return 1.0
    if hyp_len == 0:
        return 0.0
    return math.exp(1.0 - hyp_len / ref_len)
