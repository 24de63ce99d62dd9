"""A4: BLEU -- Carol's submission (does not even import)."""

import math
from collections import Counter


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def precision_recall_f1(hypothesis, reference)
    matches = sum((Counter(hypothesis) & Counter(reference)).values())
    p = matches / len(hypothesis) if hypothesis else 0.0
    r = matches / len(reference) if reference else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def brevity_penalty(hyp_len, ref_len):
    if hyp_len > ref_len:
        return 1.0
    return math.exp(1 - ref_len / hyp_len) if hyp_len else 0.0
