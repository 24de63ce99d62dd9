"""Graders: EncoderLayer and DecoderLayer against nn.TransformerEncoderLayer /
nn.TransformerDecoderLayer (batch_first, post-LN, ReLU, dropout 0) with the same weights."""

import torch
import torch.nn as nn


def encoder_pair(tf, util, gen, d, h, d_ff):
    oracle = nn.TransformerEncoderLayer(d, h, d_ff, dropout=0.0, activation="relu", batch_first=True, norm_first=False)
    util.randomize(oracle, gen, scale=0.4)
    ours = tf.EncoderLayer(d, h, d_ff)
    util.load_weights(ours, util.layer_state(oracle), f"EncoderLayer({d}, {h}, {d_ff})")
    return oracle, ours


def decoder_pair(tf, util, gen, d, h, d_ff):
    oracle = nn.TransformerDecoderLayer(d, h, d_ff, dropout=0.0, activation="relu", batch_first=True, norm_first=False)
    util.randomize(oracle, gen, scale=0.4)
    ours = tf.DecoderLayer(d, h, d_ff)
    util.load_weights(ours, util.layer_state(oracle), f"DecoderLayer({d}, {h}, {d_ff})")
    return oracle, ours


POST_LN = ("post-LN: x = norm1(x + self_attn(x, x, x, mask)); x = norm2(x + ff(x)) - the residual is "
           "added BEFORE the norm")


def test_encoder_no_mask(tf, util, gen):
    """EncoderLayer: equals nn.TransformerEncoderLayer (post-LN) without a mask"""
    oracle, ours = encoder_pair(tf, util, gen, 8, 2, 16)
    x = util.randn(gen, 2, 5, 8)
    with torch.no_grad():
        want = oracle(x)
    util.expect_close(ours(x), want, "EncoderLayer(8, 2, 16)(x [2, 5, 8])", POST_LN)


def test_encoder_padding(tf, util, gen, rng):
    """EncoderLayer: with a source padding mask [B, 1, 1, S] (True = real token)"""
    oracle, ours = encoder_pair(tf, util, gen, 12, 3, 20)
    lengths = util.random_lengths(rng, 3, 6)
    real = util.lengths_mask(lengths, 6)
    x = util.randn(gen, 3, 6, 12)
    with torch.no_grad():
        want = oracle(x, src_key_padding_mask=~real)
    util.expect_close(ours(x, real[:, None, None, :]), want,
                      f"EncoderLayer(12, 3, 20)(x [3, 6, 12], mask=padding for lengths {lengths})",
                      POST_LN + "; padded keys get no attention")


def test_decoder_causal_and_memory(tf, util, gen, rng):
    """DecoderLayer: causal self-attention, cross-attention over a padded memory, post-LN"""
    d, h, d_ff = 8, 2, 12
    oracle, ours = decoder_pair(tf, util, gen, d, h, d_ff)
    lengths = util.random_lengths(rng, 3, 7)
    real = util.lengths_mask(lengths, 7)
    x, memory = util.randn(gen, 3, 5, d), util.randn(gen, 3, 7, d)
    causal = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    with torch.no_grad():
        want = oracle(x, memory, tgt_mask=~causal, memory_key_padding_mask=~real)
    util.expect_close(
        ours(x, memory, causal, real[:, None, None, :]), want,
        f"DecoderLayer({d}, {h}, {d_ff})(x [3, 5, {d}], memory [3, 7, {d}], tgt_mask=causal [5, 5], "
        f"memory_mask=padding for lengths {lengths})",
        "x = norm1(x + self_attn(x, x, x, tgt_mask)); x = norm2(x + cross_attn(x, memory, memory, memory_mask)); "
        "x = norm3(x + ff(x))")


def test_decoder_no_masks(tf, util, gen):
    """DecoderLayer: without masks (queries from x, keys and values from memory)"""
    d, h, d_ff = 12, 4, 8
    oracle, ours = decoder_pair(tf, util, gen, d, h, d_ff)
    x, memory = util.randn(gen, 2, 3, d), util.randn(gen, 2, 4, d)
    with torch.no_grad():
        want = oracle(x, memory)
    util.expect_close(ours(x, memory), want, f"DecoderLayer({d}, {h}, {d_ff})(x [2, 3, {d}], memory [2, 4, {d}])",
                      "cross-attention takes its queries from the decoder and keys/values from memory")


def test_decoder_causality(tf, util, gen):
    """DecoderLayer: changing future target positions does not change earlier outputs"""
    d = 8
    _, ours = decoder_pair(tf, util, gen, d, 2, 12)
    x, memory = util.randn(gen, 1, 6, d), util.randn(gen, 1, 4, d)
    causal = torch.tril(torch.ones(6, 6, dtype=torch.bool))
    changed = x.clone()
    changed[:, 3:] = util.randn(gen, 1, 3, d)
    call = "DecoderLayer(8, 2, 12)(x, memory, tgt_mask=causal_mask(6))"
    a = util.tensor(ours(x, memory, causal), call, shape=(1, 6, d))
    b = util.tensor(ours(changed, memory, causal), call, shape=(1, 6, d))
    assert util.close(a[:, :3], b[:, :3]), (
        f"{call}: changing target positions 3..5 changed the outputs at positions 0..2 "
        f"{util.first_difference(b[:, :3], a[:, :3])}: with the causal mask, position i may only see 0..i")
