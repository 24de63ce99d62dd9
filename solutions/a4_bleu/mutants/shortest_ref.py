"""Uses the shortest reference length for the brevity penalty instead of the closest one.

Loses: closest_ref
Hint: return the reference length closest to the hypothesis length (smallest
  |ref_len - hyp_len|), not the shortest one.
"""


def closest_ref_length(hyp_len, ref_lens):
    if not ref_lens:
        raise ValueError("ref_lens is empty")
    return min(ref_lens)
