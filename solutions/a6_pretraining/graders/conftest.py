"""Fixtures and helpers shared by the A6 (pre-training data) graders.

The graders run in the trusted process: the framework's ``student`` fixture hands out a
proxy whose calls run in the sandboxed child, and the ``rng`` fixture is seeded from a
secret per-run seed; every random input is built from it (torch inputs through a grader-
side ``torch.Generator`` seeded from ``rng``).

Statistical checks use acceptance intervals from the exact binomial distribution (or, for
the dispersion check, the Wilson-Hilferty approximation of the chi-square at 5.5 sigma), so
that a correct implementation fails any one test with probability below 1e-6.
"""

from __future__ import annotations

import math

import pytest
import torch


@pytest.fixture
def pre(student):
    return student.module("pretraining")


@pytest.fixture
def util():
    return Util


class Util:
    """Namespace of grader helpers (a fixture, so it works under any pytest import mode)."""

    @staticmethod
    def shown(value, limit=300):
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + "..."

    @staticmethod
    def kind(value):
        if isinstance(value, torch.Tensor):
            return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
        return f"{Util.shown(value, 120)} (type {type(value).__name__})"

    @staticmethod
    def generator(rng):
        return torch.Generator().manual_seed(rng.randrange(2**62))

    @staticmethod
    def tensor(value, call, shape, dtype=None):
        if not isinstance(value, torch.Tensor):
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a torch tensor of shape "
                                 f"{tuple(shape)} (did the function fall through without a return?)")
        if tuple(value.shape) != tuple(shape):
            raise AssertionError(f"{call} returned a tensor of shape {tuple(value.shape)}; expected {tuple(shape)}")
        if dtype is not None and value.dtype != dtype:
            raise AssertionError(f"{call} returned a tensor of dtype {value.dtype}; expected {dtype} (token ids "
                                 f"and labels are torch.long, like input_ids)")
        return value

    @staticmethod
    def mlm_result(value, call, shape):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a tuple (input_ids, labels)")
        out = Util.tensor(value[0], call + "[0] (the corrupted input_ids)", shape, torch.long)
        labels = Util.tensor(value[1], call + "[1] (the labels)", shape, torch.long)
        return out, labels

    # ---- exact binomial acceptance intervals --------------------------------------------

    @staticmethod
    def binomial_interval(n, p, false_failure=1e-7):
        """[lo, hi] with P(X < lo) + P(X > hi) < false_failure for X ~ Binomial(n, p).

        The pmf is summed from a window of mean +- 40 sd (and at least 60 values) inward;
        the mass outside that window is far below 1e-100.
        """
        if n == 0:
            return 0, 0
        mean, sd = n * p, math.sqrt(n * p * (1 - p))
        first = max(0, int(mean - 40 * sd) - 30)
        last = min(n, int(mean + 40 * sd) + 30)
        logc = math.lgamma(n + 1)
        lp, lq = math.log(p), math.log1p(-p)

        def pmf(k):
            return math.exp(logc - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq)

        lo, tail = first, 0.0
        while lo < n and tail + pmf(lo) < false_failure / 2:
            tail += pmf(lo)
            lo += 1
        hi, tail = last, 0.0
        while hi > 0 and tail + pmf(hi) < false_failure / 2:
            tail += pmf(hi)
            hi -= 1
        return lo, hi

    # ---- MLM inputs ----------------------------------------------------------------------

    @staticmethod
    def mlm_batch(rng, batch, length, low, high, pad_id=0, cls_id=1, sep_id=2):
        """(input_ids [B, T], special_tokens_mask [B, T]): [CLS] words [SEP] words [SEP] pad...

        Words are drawn from [low, high); rows have random lengths, so padding varies.
        """
        gen = Util.generator(rng)
        ids = torch.randint(low, high, (batch, length), generator=gen)
        special = torch.zeros(batch, length, dtype=torch.bool)
        for b in range(batch):
            used = rng.randint(length // 2, length)
            ids[b, used:] = pad_id
            special[b, used:] = True
            ids[b, 0] = cls_id
            middle = rng.randint(1, used - 2)
            ids[b, middle] = sep_id
            ids[b, used - 1] = sep_id
            special[b, [0, middle, used - 1]] = True
        return ids, special

    # ---- NSP inputs ----------------------------------------------------------------------

    @staticmethod
    def documents(rng, count, min_sentences=0, max_sentences=8):
        """Documents whose sentences are all different: sentence j of document d starts with 'd<d>s<j>'."""
        words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "away"]
        docs = []
        for d in range(count):
            doc = []
            for j in range(rng.randint(min_sentences, max_sentences)):
                doc.append([f"d{d}s{j}"] + [rng.choice(words) for _ in range(rng.randint(0, 5))])
            docs.append(doc)
        return docs

    @staticmethod
    def nsp_examples(value, call):
        if not isinstance(value, (list, tuple)):
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a list of (A, B, label) tuples")
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, (tuple, list)) or len(item) != 3:
                raise AssertionError(f"{call}: item {i} is {Util.shown(item, 150)}; expected a tuple "
                                     f"(sentence_a, sentence_b, label)")
            a, b, label = item
            if isinstance(label, bool) or not isinstance(label, int) or label not in (0, 1):
                raise AssertionError(f"{call}: item {i} has label {label!r}; expected the int 0 (IsNext) or 1 "
                                     f"(NotNext)")
            result.append((list(a), list(b), label))
        return result
