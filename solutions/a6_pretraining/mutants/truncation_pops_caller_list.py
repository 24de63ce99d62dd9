"""Truncates the caller's lists in place with pop().

Loses: no_mutation
Hint: pop() on tokens_a changes the caller's list: truncate a copy,
  list(tokens_a).
"""


def build_pair_input(tokens_a, tokens_b, max_len):
    if max_len < 3:
        raise ValueError("max_len")
    a, b = tokens_a, tokens_b
    while len(a) + len(b) + 3 > max_len:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    return ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"], [0] * (len(a) + 2) + [1] * (len(b) + 1)
