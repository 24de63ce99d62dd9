"""Counts two special tokens instead of three when truncating (the result is one token too long).

Loses: truncation
Hint: [CLS] a [SEP] b [SEP] holds THREE special tokens: truncate while
  len(a) + len(b) + 3 > max_len.
"""


def build_pair_input(tokens_a, tokens_b, max_len):
    if max_len < 3:
        raise ValueError("max_len")
    a, b = list(tokens_a), list(tokens_b)
    while len(a) + len(b) + 2 > max_len:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    return ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"], [0] * (len(a) + 2) + [1] * (len(b) + 1)
