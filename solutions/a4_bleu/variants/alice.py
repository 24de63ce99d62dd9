"""A4: BLEU -- Alice's submission.

Compact style: n-grams from zipped shifted slices, clipping with Counter's & and |
operators, and the final formula computed on numpy arrays of sufficient statistics.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import reduce
from operator import or_

import numpy as np


def ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    # zip stops at the shortest slice, i.e. after the last complete window
    return Counter(zip(*(tokens[shift:] for shift in range(n))))


def precision_recall_f1(hypothesis: list[str], reference: list[str]) -> tuple[float, float, float]:
    m = sum((Counter(hypothesis) & Counter(reference)).values())
    if m == 0:
        return 0.0, 0.0, 0.0
    # F1 = 2pr / (p + r) = 2m / (|hyp| + |ref|)
    return m / len(hypothesis), m / len(reference), 2 * m / (len(hypothesis) + len(reference))


def modified_precision(hypothesis: list[str], references: list[list[str]], n: int) -> tuple[int, int]:
    hyp = ngrams(hypothesis, n)
    ceiling = reduce(or_, (ngrams(ref, n) for ref in references), Counter())
    return sum((hyp & ceiling).values()), sum(hyp.values())


def brevity_penalty(hyp_len: int, ref_len: int) -> float:
    return 0.0 if hyp_len == 0 else min(1.0, math.exp(1 - ref_len / hyp_len))


def closest_ref_length(hyp_len: int, ref_lens: list[int]) -> int:
    if len(ref_lens) == 0:
        raise ValueError("ref_lens: need at least one reference length")
    return sorted(ref_lens, key=lambda r: (abs(r - hyp_len), r))[0]


def _stats(hypothesis, references, max_n):
    """[m_1..m_N, t_1..t_N, hyp_len, ref_len] as one int64 row."""
    counts = [modified_precision(hypothesis, references, n) for n in range(1, max_n + 1)]
    ref_len = closest_ref_length(len(hypothesis), [len(r) for r in references])
    return np.array([m for m, _ in counts] + [t for _, t in counts] + [len(hypothesis), ref_len],
                    dtype=np.int64)


def _score(stats, max_n, smooth):
    matches = stats[:max_n].astype(np.float64)
    totals = stats[max_n:2 * max_n].astype(np.float64)
    hyp_len, ref_len = int(stats[-2]), int(stats[-1])
    if not matches.any():
        return np.float64(0.0)
    if smooth:
        keep = totals > 0                      # effective order
        matches, totals = matches[keep], totals[keep]
        unmatched = matches == 0
        # k-th unmatched order: precision 1 / (2^k * total)
        matches = np.where(unmatched, 0.5 ** np.cumsum(unmatched), matches)
    elif (matches == 0).any():
        return np.float64(0.0)
    log_p = np.log(matches) - np.log(totals)
    return 100.0 * brevity_penalty(hyp_len, ref_len) * np.exp(log_p.mean())


def corpus_bleu(hypotheses: list[list[str]], references: list[list[list[str]]], max_n: int = 4) -> float:
    if max_n < 1:
        raise ValueError("max_n must be positive")
    if len(hypotheses) == 0:
        raise ValueError("hypotheses: empty corpus")
    if any(len(refs) == 0 for refs in references):
        raise ValueError("references: a hypothesis has no reference")
    stats = np.sum([_stats(h, refs, max_n) for h, refs in zip(hypotheses, references)], axis=0)
    return _score(stats, max_n, smooth=False)


def sentence_bleu(hypothesis: list[str], references: list[list[str]], max_n: int = 4) -> float:
    if max_n < 1:
        raise ValueError("max_n must be positive")
    return _score(_stats(hypothesis, references, max_n), max_n, smooth=True)
