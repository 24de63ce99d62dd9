"""On a tie truncates b instead of a.

Loses: truncation
Hint: on a tie (len(a) == len(b)) the token comes off a: compare with
  len(a) >= len(b).
"""


def build_pair_input(tokens_a, tokens_b, max_len):
    if max_len < 3:
        raise ValueError("max_len")
    a, b = list(tokens_a), list(tokens_b)
    while len(a) + len(b) + 3 > max_len:
        if len(a) > len(b):
            a.pop()
        else:
            b.pop()
    return ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"], [0] * (len(a) + 2) + [1] * (len(b) + 1)
