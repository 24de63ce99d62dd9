"""Fixtures, case generators and seeded calls of the A6 (pre-training data) graders.

The graders run in the trusted process: ``student.module("pretraining")`` is a proxy whose
calls run in the sandboxed child. Every random input is built from the secret-seeded
``rng`` fixture (torch inputs through a ``torch.Generator`` seeded from it).

Random functions get their randomness as an argument (``generator`` / ``rng``). A
generator cannot cross to the student process, so a toolkit :class:`Seeded` call holds the
grader's own ``torch.Generator().manual_seed(s)`` / ``random.Random(s)`` and, when it
runs, hands the student a twin made in the student's process with the same seed. The
known mistakes (run here by the toolkit) get deep copies of the grader's: a mistake draws
exactly the numbers the student's code draws, so its answer can be compared with theirs.

Statistical checks measure a rate over ~100 000 positions with ``expect_rate``; to
recognise a known mistake, ``rate_of`` runs each candidate module's function here, on the
same inputs, with grader-side generators of fixed seeds (:func:`local_mask`), so two
modules that behave alike measure alike.
"""

from __future__ import annotations

import copy
import random
import sys

import pytest
import torch

from autograder.toolkit import (
    Seeded, SeededRandom, describe, fail, integer, seeded_generator, sequence,
)

MODULE = "pretraining"
# mask_tokens inputs: word ids in [LOW, MASK_ID), so every outcome of a selected position
# ([MASK], kept, another id) can be read off the output.
VOCAB = 1000
MASK_ID = VOCAB - 1
LOW = 500
PAD_ID, CLS_ID, SEP_ID = 0, 1, 2
LOCAL_SEEDS = (11, 12, 13)
"""Seeds of the grader-side generators with which ``rate_of`` measures a module."""


@pytest.fixture
def pre(student):
    return student.module(MODULE)


@pytest.fixture
def a6():
    """This module, as a namespace (graders are imported with ``--import-mode=importlib``,
    so they cannot ``import conftest``)."""
    return sys.modules[__name__]


# ---- seeded calls ------------------------------------------------------------------------

def seed_from(rng: random.Random) -> int:
    return rng.randrange(2**31)


# ---- mask_tokens -------------------------------------------------------------------------

def mlm_batch(rng: random.Random, rows: int, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids [rows, length], special_tokens_mask): [CLS] words [SEP] words [SEP] pad...,
    rows of random lengths; [CLS], [SEP] and padding are special."""
    gen = torch.Generator().manual_seed(seed_from(rng))
    ids = torch.randint(LOW, MASK_ID, (rows, length), generator=gen)
    special = torch.zeros(rows, length, dtype=torch.bool)
    for b in range(rows):
        used = rng.randint(length // 2, length)
        middle = rng.randint(1, used - 2)
        ids[b, used:] = PAD_ID
        special[b, used:] = True
        ids[b, 0] = CLS_ID
        ids[b, [middle, used - 1]] = SEP_ID
        special[b, [0, middle, used - 1]] = True
    return ids, special


def fixed_rows(rng: random.Random, rows: int, words: int, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Like :func:`mlm_batch`, but every row has exactly ``words`` non-special positions."""
    gen = torch.Generator().manual_seed(seed_from(rng))
    ids = torch.full((rows, length), PAD_ID, dtype=torch.long)
    special = torch.ones(rows, length, dtype=torch.bool)
    for b in range(rows):
        middle = rng.randint(1, words + 1)   # the first [SEP]: 0..words words before it
        ids[b, : words + 3] = torch.randint(LOW, MASK_ID, (words + 3,), generator=gen)
        special[b, : words + 3] = False
        ids[b, [0, middle, words + 2]] = torch.tensor([CLS_ID, SEP_ID, SEP_ID])
        special[b, [0, middle, words + 2]] = True
    return ids, special


def mask_call(student, ids, special, p: float | None, seed: int | None) -> Seeded:
    """``mask_tokens(ids, special, mask_token_id=999, vocab_size=1000[, mlm_probability=p],
    generator=torch.Generator().manual_seed(seed))``."""
    kwargs = {"mask_token_id": MASK_ID, "vocab_size": VOCAB}
    if p is not None:
        kwargs["mlm_probability"] = p
    if seed is not None:
        kwargs["generator"] = seeded_generator(seed)
    return Seeded(student, "mask_tokens", ids, special, **kwargs)


def tensor_of(value, call, what: str, shape) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(shape) or value.dtype != torch.long:
        raise fail("mask_tokens returns (corrupted_input_ids, labels): two torch.long tensors of "
                   "input_ids' shape (a function that falls through without `return` returns None)",
                   call, observed=f"{what}: {describe(value)}",
                   expected=f"a torch.long tensor of shape {list(shape)}")
    return value


def mlm_output(value, call, shape) -> tuple[torch.Tensor, torch.Tensor]:
    """(corrupted, labels) from what mask_tokens returned, or a failure saying what came back."""
    out, labels = sequence(value, call, 2)
    return (tensor_of(out, call, "item 0 (the corrupted input_ids)", shape),
            tensor_of(labels, call, "item 1 (the labels)", shape))


def run_mask(pre, student, ids, special, p: float | None, seed: int):
    """The student's ``mask_tokens`` on (ids, special): (call, corrupted, labels)."""
    call = mask_call(student, ids, special, p, seed)
    out, labels = mlm_output(call.run(pre), call, ids.shape)
    return call, out, labels


def local_mask(module, ids, special, p: float | None, seed: int):
    """A module's ``mask_tokens`` run here (for ``rate_of``), with a grader-side generator."""
    kwargs = {} if p is None else {"mlm_probability": p}
    out, labels = module.mask_tokens(ids.clone(), special.clone(), mask_token_id=MASK_ID, vocab_size=VOCAB,
                                     generator=torch.Generator().manual_seed(seed), **kwargs)
    return out, labels


def local_rate(module, ids, special, p: float | None, statistic) -> float:
    """The mean over :data:`LOCAL_SEEDS` of ``statistic(ids, special, out, labels)`` -> (count, n)
    for a module's ``mask_tokens`` run here."""
    count = total = 0
    for seed in LOCAL_SEEDS:
        out, labels = local_mask(module, ids, special, p, seed)
        c, n = statistic(ids, special, out, labels)
        count, total = count + c, total + n
    return count / total


def mask_rate_of(ids, special, p: float | None, statistic):
    """The ``rate_of`` of a mask_tokens check: a module's :func:`local_rate` on the check's
    inputs (``expect_rate`` measures it once per distinct code of ``mask_tokens``)."""
    return lambda module: local_rate(module, ids, special, p, statistic)


# ---- make_nsp_examples -------------------------------------------------------------------

WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "away"]


def documents(rng: random.Random, count: int, least: int, most: int) -> list[list[list[str]]]:
    """Documents whose sentences are all different: sentence j of document d starts with
    the token 'd<d>s<j>'."""
    return [[[f"d{d}s{j}"] + [rng.choice(WORDS) for _ in range(rng.randint(0, 4))]
             for j in range(rng.randint(least, most))] for d in range(count)]


def pairs_of(docs) -> list[tuple[int, int]]:
    """(document, sentence) of every A, in order."""
    return [(d, i) for d, doc in enumerate(docs) for i in range(len(doc) - 1)]


def nsp_output(value, call) -> list[tuple[tuple, tuple, int]]:
    """(A, B, label) triples with tuple sentences, or a failure saying what came back."""
    examples = []
    shown = str(call)
    for k, item in enumerate(sequence(value, call, what="a list of (sentence_a, sentence_b, label) tuples")):
        where = f"example {k} of {shown}"
        a, b, label = sequence(item, where, 3)
        label = integer(label, where)
        if label not in (0, 1):
            raise fail("labels are 0 (IsNext: B follows A) or 1 (NotNext: B is a random sentence)", where,
                       observed=f"label {label}", expected="0 or 1")
        examples.append((tuple(sequence(a, where)), tuple(sequence(b, where)), label))
    return examples


def as_examples(answer) -> list[tuple[tuple, tuple, int]]:
    """A known mistake's answer, as :func:`nsp_output` makes the student's."""
    return [(tuple(a), tuple(b), int(label)) for a, b, label in answer]


def nsp_call(student, docs, seed: int) -> Seeded:
    return Seeded(student, "make_nsp_examples", copy.deepcopy(docs), SeededRandom(seed))
