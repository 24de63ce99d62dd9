"""Graders: EncoderLayer and DecoderLayer against nn.TransformerEncoderLayer /
nn.TransformerDecoderLayer (batch_first, post-LN, ReLU, dropout 0) with the same weights.

The student's layer runs with correct sublayers (its self_attn, cross_attn, norm* and ff
call torch's own, see conftest.trusted_sublayers): a mistake inside MultiHeadAttention,
LayerNorm or the feed-forward network is charged to those concepts, not here.
"""

import torch
import torch.nn as nn

from autograder.toolkit import Call

ENCODER_RULE = ("post-LN encoder layer: x = norm1(x + self_attn(x, x, x, mask)[0]); then x = norm2(x + ff(x)): each "
                "sublayer's output is added to its input (the residual) BEFORE the LayerNorm")
DECODER_RULE = ("post-LN decoder layer: x = norm1(x + self_attn(x, x, x, tgt_mask)[0]); x = norm2(x + cross_attn(x, "
                "memory, memory, memory_mask)[0]); x = norm3(x + ff(x)): queries from the decoder, keys and values "
                "from memory, each residual added BEFORE its LayerNorm")
CAUSAL_RULE = ("with tgt_mask = the causal mask, the decoder's output at position i depends on target positions "
               "0..i only")


def encoder_oracle(a5, gen, d, h, d_ff):
    oracle = nn.TransformerEncoderLayer(d, h, d_ff, dropout=0.0, activation="relu", batch_first=True, norm_first=False)
    return a5.randomize(oracle, gen, scale=0.4)


def decoder_oracle(a5, gen, d, h, d_ff):
    oracle = nn.TransformerDecoderLayer(d, h, d_ff, dropout=0.0, activation="relu", batch_first=True, norm_first=False)
    return a5.randomize(oracle, gen, scale=0.4)


def run_layer(a5, tf, mistakes, oracle, call, inputs, want, rule, take=lambda out: out, notes=()):
    """Build the student's layer, load the oracle's weights, put in correct sublayers, run it
    on ``inputs`` and compare ``take`` of its output with ``want``."""
    weights = a5.layer_state(oracle)
    install = a5.trusted_sublayers(oracle)
    ours = call.run(tf)
    a5.load_weights(ours, weights, Call(call.function, *call.args))
    install(ours)
    got = ours(*inputs)
    if take is not None and isinstance(got, torch.Tensor):
        got = take(got)
    a5.expect_part(got, want.detach(), call, rule=rule, mistakes=mistakes,
                   part=a5.run_built(weights, inputs, sublayers=install, take=take),
                   notes=[*notes, a5.RANDOM_WEIGHTS.format(oracle=oracle.__class__.__name__), a5.SUBLAYER_NOTE])
    return got


def test_encoder_no_mask(a5, tf, mistakes, gen):
    """EncoderLayer: post-LN, norm1(x + self_attn(x)) then norm2(x + ff(x)), equal to nn.TransformerEncoderLayer"""
    d, h, d_ff = 8, 2, 16
    oracle = encoder_oracle(a5, gen, d, h, d_ff)
    x = a5.randn(gen, 2, 5, d)
    call = a5.Shown(f"EncoderLayer({d}, {h}, {d_ff})(x {a5.shape(x)})",
                    "EncoderLayer", d, h, d_ff)
    with torch.no_grad():
        want = oracle(x)
    run_layer(a5, tf, mistakes, oracle, call, (x,), want, ENCODER_RULE)


def test_encoder_padding_mask(a5, tf, mistakes, gen, rng):
    """EncoderLayer: with a padding mask [B, 1, 1, S] (True = real token) passed to self-attention, equal to nn.TransformerEncoderLayer"""
    d, h, d_ff = 12, 3, 20
    oracle = encoder_oracle(a5, gen, d, h, d_ff)
    lengths = a5.random_lengths(rng, 3, 6)
    real = a5.lengths_mask(lengths, 6)
    x = a5.randn(gen, 3, 6, d)
    call = a5.Shown(f"EncoderLayer({d}, {h}, {d_ff})(x {a5.shape(x)}, "
                    f"mask=padding [3, 1, 1, 6] for lengths {lengths})", "EncoderLayer", d, h, d_ff)
    with torch.no_grad():
        want = oracle(x, src_key_padding_mask=~real)
    run_layer(a5, tf, mistakes, oracle, call, (x, real[:, None, None, :]), want,
              ENCODER_RULE + "; the mask is passed to self_attn")


def test_decoder_no_masks(a5, tf, mistakes, gen):
    """DecoderLayer: post-LN self-attention, cross-attention over memory, feed-forward, equal to nn.TransformerDecoderLayer"""
    d, h, d_ff = 12, 4, 8
    oracle = decoder_oracle(a5, gen, d, h, d_ff)
    x, memory = a5.randn(gen, 2, 3, d), a5.randn(gen, 2, 4, d)
    call = a5.Shown(f"DecoderLayer({d}, {h}, {d_ff})(x {a5.shape(x)}, "
                    f"memory {a5.shape(memory)})", "DecoderLayer", d, h, d_ff)
    with torch.no_grad():
        want = oracle(x, memory)
    run_layer(a5, tf, mistakes, oracle, call, (x, memory), want, DECODER_RULE)


def test_decoder_masks(a5, tf, mistakes, gen, rng):
    """DecoderLayer: with tgt_mask passed to self-attention and memory_mask to cross-attention, equal to nn.TransformerDecoderLayer"""
    d, h, d_ff = 8, 2, 12
    oracle = decoder_oracle(a5, gen, d, h, d_ff)
    lengths = a5.random_lengths(rng, 3, 7)
    real = a5.lengths_mask(lengths, 7)
    x, memory = a5.randn(gen, 3, 5, d), a5.randn(gen, 3, 7, d)
    mask = a5.causal(5)
    call = a5.Shown(f"DecoderLayer({d}, {h}, {d_ff})(x {a5.shape(x)}, memory "
                    f"{a5.shape(memory)}, tgt_mask=causal [5, 5], memory_mask=padding [3, 1, 1, 7] for lengths "
                    f"{lengths})", "DecoderLayer", d, h, d_ff)
    with torch.no_grad():
        want = oracle(x, memory, tgt_mask=~mask, memory_key_padding_mask=~real)
    run_layer(a5, tf, mistakes, oracle, call, (x, memory, mask, real[:, None, None, :]), want,
              DECODER_RULE + "; tgt_mask is passed to self_attn and memory_mask to cross_attn")


def test_decoder_causality(a5, tf, mistakes, gen):
    """DecoderLayer: with the causal tgt_mask, changing target positions 3..5 leaves the outputs at 0..2 unchanged"""
    d, h, d_ff = 8, 2, 12
    oracle = decoder_oracle(a5, gen, d, h, d_ff)
    x, memory = a5.randn(gen, 1, 6, d), a5.randn(gen, 1, 4, d)
    mask = a5.causal(6)
    changed = x.clone()
    changed[:, 3:] = a5.randn(gen, 1, 3, d)
    weights, install = a5.layer_state(oracle), a5.trusted_sublayers(oracle)
    call = a5.Shown(f"DecoderLayer({d}, {h}, {d_ff})(x [1, 6, {d}] whose "
                    f"positions 3..5 were changed, memory {a5.shape(memory)}, tgt_mask=causal [6, 6])[:, :3]",
                    "DecoderLayer", d, h, d_ff)
    ours = call.run(tf)
    a5.load_weights(ours, weights, Call(call.function, *call.args))
    install(ours)
    before, after = ours(x, memory, mask), ours(changed, memory, mask)

    def first(out):
        return out[:, :3] if isinstance(out, torch.Tensor) else out

    a5.expect_part(first(after), first(before), call, rule=CAUSAL_RULE, mistakes=mistakes,
                   part=a5.run_built(weights, (changed, memory, mask), sublayers=install, take=first),
                   notes=["expected: what your layer gives at positions 0..2 for the unchanged x", a5.SUBLAYER_NOTE])
