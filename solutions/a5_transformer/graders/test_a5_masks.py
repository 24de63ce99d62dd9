"""Graders: causal_mask and padding_mask (True = may attend / real token)."""

import torch


def test_masks_causal(tf, util, rng):
    """causal_mask: True on and below the diagonal, [L, L] bool"""
    for length in (1, 3, rng.randint(4, 9)):
        call = f"causal_mask({length})"
        got = util.tensor(tf.causal_mask(length), call, shape=(length, length), floating=False)
        want = torch.tril(torch.ones(length, length, dtype=torch.bool))
        assert got.dtype == torch.bool, f"{call} has dtype {got.dtype}; expected torch.bool"
        assert torch.equal(got, want), (
            f"{call} returned {util.show(got)}; expected {util.show(want)}: position i may attend to "
            f"0..i (itself included), True = allowed")


def test_masks_padding(tf, util, rng):
    """padding_mask: [B, 1, 1, S] bool, True on real tokens, for pad_id 0 and another pad_id"""
    for pad_id in (0, 5):
        lengths = util.random_lengths(rng, 3, 6)
        real = util.lengths_mask(lengths, 6)
        ids = torch.tensor([[rng.choice([i for i in range(1, 9) if i != pad_id]) for _ in range(6)] for _ in lengths])
        ids = ids.masked_fill(~real, pad_id)
        call = f"padding_mask({ids.tolist()}, pad_id={pad_id})"
        got = util.tensor(tf.padding_mask(ids, pad_id=pad_id), call, shape=(3, 1, 1, 6), floating=False)
        assert got.dtype == torch.bool, f"{call} has dtype {got.dtype}; expected torch.bool"
        assert torch.equal(got, real[:, None, None, :]), (
            f"{call} returned {util.show(got.reshape(3, 6))} (shown as [B, S]); expected "
            f"{util.show(real)}: True = real token, False = padding")
