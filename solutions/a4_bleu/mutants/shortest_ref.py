"""Uses the shortest reference length for the brevity penalty instead of the closest one.

Loses: closest_ref
"""


def closest_ref_length(hyp_len, ref_lens):
    if not ref_lens:
        raise ValueError("ref_lens is empty")
    return min(ref_lens)
