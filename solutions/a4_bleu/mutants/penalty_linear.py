"""Uses the length ratio hyp_len / ref_len as the brevity penalty instead of exp(1 - ref_len / hyp_len).

Loses: brevity_penalty
Hint: the brevity penalty of a short hypothesis is exp(1 - ref_len / hyp_len), not the
  ratio hyp_len / ref_len.
"""


def brevity_penalty(hyp_len, ref_len):
    if hyp_len > ref_len:
        return 1.0
    if hyp_len == 0:
        return 0.0
    return hyp_len / ref_len
