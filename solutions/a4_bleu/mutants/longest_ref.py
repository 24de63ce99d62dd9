"""Compares the hypothesis with the longest reference for the brevity penalty.

Loses: closest_ref, corpus_level, sentence_bleu
"""


def closest_ref_length(hyp_len, ref_lens):
    if not ref_lens:
        raise ValueError("ref_lens is empty")
    return max(ref_lens)
