"""Graders: ``causal_lm_loss`` (GPT's next-token objective) against F.cross_entropy on
hand-shifted logits and targets, computed here."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def expected(logits, ids, pad_id):
    vocab = logits.size(-1)
    return F.cross_entropy(logits[:, :-1].reshape(-1, vocab), ids[:, 1:].reshape(-1), ignore_index=pad_id)


def case(util, rng, batch, length, vocab, pad_id, padded):
    gen = util.generator(rng)
    logits = torch.randn(batch, length, vocab, generator=gen) * 2
    ids = torch.randint(0, vocab, (batch, length), generator=gen)
    ids[ids == pad_id] = (pad_id + 1) % vocab
    if padded:
        for b in range(batch):
            used = rng.randint(2, length) if b else length   # row 0 unpadded, others padded at random
            ids[b, used:] = pad_id
    return logits, ids


def check(pre, util, logits, ids, pad_id, hint):
    call = f"causal_lm_loss(logits of shape {tuple(logits.shape)}, input_ids {util.shown(ids.tolist(), 160)}, pad_id={pad_id})"
    got = pre.causal_lm_loss(logits, ids, pad_id=pad_id)
    if isinstance(got, torch.Tensor):
        assert got.numel() == 1, f"{call} returned a tensor of shape {tuple(got.shape)}; expected a scalar (the mean)"
        got = float(got.reshape(()))
    elif isinstance(got, (int, float)) and not isinstance(got, bool):
        got = float(got)
    else:
        raise AssertionError(f"{call} returned {util.kind(got)}; expected a scalar tensor")
    want = float(expected(logits, ids, pad_id))
    assert abs(got - want) <= 1e-4 * max(1.0, abs(want)), (
        f"{call} returned {got:.6f}; expected {want:.6f} = F.cross_entropy(logits[:, :-1] flattened, "
        f"input_ids[:, 1:] flattened, ignore_index=pad_id). {hint}")


def test_causal_lm_shift(pre, util, rng):
    """Causal LM loss: position t predicts token t+1 (logits[:, :-1] against input_ids[:, 1:])"""
    hint = ("Position t predicts the NEXT token: drop the last position of the logits and the first token of "
            "the targets.")
    logits = torch.tensor([[[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 1.0]]])
    check(pre, util, logits, torch.tensor([[1, 2, 1]]), 0, hint)
    for batch, length, vocab in ((1, 4, 5), (3, 7, 11), (8, 20, 50)):
        logits, ids = case(util, rng, batch, length, vocab, 0, padded=False)
        check(pre, util, logits, ids, 0, hint)


def test_causal_lm_ignores_padding(pre, util, rng):
    """Causal LM loss: pad targets are ignored; the mean is over all real target tokens of the batch"""
    hint = ("Targets equal to pad_id are ignored (ignore_index=pad_id), and the mean is over all non-pad "
            "targets of the batch together, not a mean of per-sentence means.")
    for batch, length, vocab, pad_id in ((2, 5, 6, 0), (4, 9, 13, 0), (6, 16, 30, 3), (10, 24, 40, 7)):
        logits, ids = case(util, rng, batch, length, vocab, pad_id, padded=True)
        check(pre, util, logits, ids, pad_id, hint)
