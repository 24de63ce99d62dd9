"""Graders: ``causal_lm_loss`` (GPT's next-token objective) against F.cross_entropy on
logits and targets shifted here."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.toolkit import Call, expect_close, number

RULE_SHIFT = ("position t predicts token t+1: F.cross_entropy(logits[:, :-1] flattened to [B*(T-1), V], "
              "input_ids[:, 1:] flattened to [B*(T-1)]), the mean over the targets")
RULE_PAD = ("targets equal to pad_id are ignored (ignore_index=pad_id); the mean is over all the remaining "
            "targets of the batch together, not a mean of per-sentence means")


def expected(logits, ids, pad_id):
    vocab = logits.size(-1)
    return float(F.cross_entropy(logits[:, :-1].reshape(-1, vocab), ids[:, 1:].reshape(-1), ignore_index=pad_id))


def case(rng, batch, length, vocab, pad_id, padded):
    """Random logits and ids; no id equals pad_id except the padding at the end of rows
    (every row but the first is padded when ``padded``)."""
    gen = torch.Generator().manual_seed(rng.randrange(2**31))
    logits = torch.randn(batch, length, vocab, generator=gen) * 2
    ids = torch.randint(0, vocab, (batch, length), generator=gen)
    ids[ids == pad_id] = (pad_id + 1) % vocab
    if padded:
        for b in range(1, batch):
            ids[b, rng.randint(2, length - 1):] = pad_id
    return logits, ids


def check(pre, mistakes, logits, ids, pad_id, rule):
    call = Call("causal_lm_loss", logits, ids, pad_id=pad_id)
    got = number(call.run(pre), call)
    expect_close(got, expected(logits, ids, pad_id), call, rule=rule, mistakes=mistakes, rel_tol=1e-4, abs_tol=1e-5)


def test_causal_lm_shift(pre, mistakes, rng):
    """Causal LM loss: position t predicts token t+1 (logits[:, :-1] against input_ids[:, 1:])"""
    logits = torch.tensor([[[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 1.0]]])
    check(pre, mistakes, logits, torch.tensor([[1, 2, 1]]), 0, RULE_SHIFT)
    for batch, length, vocab in ((1, 4, 5), (3, 7, 11)):
        logits, ids = case(rng, batch, length, vocab, 0, padded=False)
        check(pre, mistakes, logits, ids, 0, RULE_SHIFT)


def test_causal_lm_padding_ignored(pre, mistakes):
    """Causal LM loss: targets equal to pad_id are ignored"""
    logits = torch.randn(1, 6, 5, generator=torch.Generator().manual_seed(0))
    check(pre, mistakes, logits, torch.tensor([[2, 4, 1, 3, 0, 0]]), 0, RULE_PAD)
    check(pre, mistakes, logits, torch.tensor([[2, 0, 4, 1, 3, 3]]), 3, RULE_PAD)


def test_causal_lm_batch_mean(pre, mistakes):
    """Causal LM loss: the mean is over all real targets of the batch together"""
    logits = torch.randn(3, 6, 5, generator=torch.Generator().manual_seed(1)) * 2
    ids = torch.tensor([[2, 4, 1, 3, 2, 1], [2, 1, 0, 0, 0, 0], [1, 3, 4, 2, 0, 0]])
    check(pre, mistakes, logits, ids, 0, RULE_PAD)


def test_causal_lm_random(pre, mistakes, rng):
    """Causal LM loss: random batches, padded and not, with pad_id 0 and others"""
    for batch, length, vocab, pad_id, padded in ((8, 20, 50, 0, False), (4, 9, 13, 0, True), (6, 16, 30, 3, True),
                                                 (10, 24, 40, 7, True)):
        logits, ids = case(rng, batch, length, vocab, pad_id, padded)
        check(pre, mistakes, logits, ids, pad_id, RULE_SHIFT + "; " + RULE_PAD)
