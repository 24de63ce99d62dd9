"""Graders: causal_mask and padding_mask (True = may attend / real token)."""

import torch

from autograder.toolkit import Call, expect_equal

CAUSAL_RULE = ("causal_mask(L) is a bool tensor [L, L], True on and below the diagonal: position i may attend to "
               "positions 0..i, itself included")
PADDING_RULE = ("padding_mask(ids, pad_id) is a bool tensor [B, 1, 1, S], True on the real tokens (ids != pad_id) "
                "and False on the padding")


def test_masks_causal(a5, tf, mistakes, rng):
    """causal_mask: a bool [L, L] tensor, True on and below the diagonal"""
    for length in (1, 3, rng.randint(4, 9)):
        call = Call("causal_mask", length)
        expect_equal(call.run(tf), a5.causal(length), call, rule=CAUSAL_RULE, mistakes=mistakes,
                     same=a5.same_mask, show=a5.show_mask)


def test_masks_padding(a5, tf, mistakes, rng):
    """padding_mask: a bool [B, 1, 1, S] tensor, True on real tokens, for pad_id 0 and another pad_id"""
    for pad_id in (0, 5):
        lengths = a5.random_lengths(rng, 3, 6)
        real = a5.lengths_mask(lengths, 6)
        ids = torch.tensor([[rng.choice([i for i in range(1, 9) if i != pad_id]) for _ in range(6)] for _ in lengths])
        ids = ids.masked_fill(~real, pad_id)
        call = Call("padding_mask", ids, pad_id=pad_id)
        expect_equal(call.run(tf), real[:, None, None, :], call, rule=PADDING_RULE, mistakes=mistakes,
                     same=a5.same_mask, show=a5.show_mask, notes=[f"ids = {ids.tolist()}"])
