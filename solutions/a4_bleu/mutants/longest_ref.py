"""Compares the hypothesis with the longest reference for the brevity penalty.

Loses: closest_ref
Hint: return the reference length closest to the hypothesis length (smallest
  |ref_len - hyp_len|), not the longest one.
"""


def closest_ref_length(hyp_len, ref_lens):
    if not ref_lens:
        raise ValueError("ref_lens is empty")
    return max(ref_lens)
