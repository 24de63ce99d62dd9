"""Truncates the longer sentence from its FRONT instead of its end.

Loses: truncation
Hint: drop the LAST token of the longer sentence (pop(), or [:-1]), not the first.
"""


def build_pair_input(tokens_a, tokens_b, max_len):
    if max_len < 3:
        raise ValueError("max_len")
    a, b = list(tokens_a), list(tokens_b)
    while len(a) + len(b) + 3 > max_len:
        if len(a) >= len(b):
            a.pop(0)
        else:
            b.pop(0)
    return ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"], [0] * (len(a) + 2) + [1] * (len(b) + 1)
