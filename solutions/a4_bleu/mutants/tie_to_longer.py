"""Breaks a tie between two equally close references in favour of the longer one.

Loses: closest_ref
Hint: when two reference lengths are equally close, return the SHORTER one,
  whatever their order in the list.
"""


def closest_ref_length(hyp_len, ref_lens):
    if not ref_lens:
        raise ValueError("ref_lens is empty")
    return min(ref_lens, key=lambda length: (abs(length - hyp_len), -length))
