"""Writes the brevity penalty upside down: exp(1 - hyp_len / ref_len).

Loses: brevity_penalty
Hint: the penalty is exp(1 - ref_len / hyp_len): the reference length is divided
  by the hypothesis length, which gives a number below 1 for a short hypothesis.
"""


def brevity_penalty(hyp_len, ref_len):
    if hyp_len > ref_len:
        return 1.0
    if hyp_len == 0:
        return 0.0
    return math.exp(1.0 - hyp_len / ref_len)
