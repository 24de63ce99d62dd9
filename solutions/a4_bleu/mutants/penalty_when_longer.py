"""Applies exp(1 - ref_len / hyp_len) to every hypothesis, also to one longer than the reference.

Loses: brevity_penalty
Hint: a hypothesis longer than its reference is not penalised: the penalty is
  1.0 when hyp_len > ref_len.
"""


def brevity_penalty(hyp_len, ref_len):
    if hyp_len == 0:
        return 0.0
    return math.exp(1.0 - ref_len / hyp_len)
