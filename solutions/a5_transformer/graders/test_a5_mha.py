"""Graders: MultiHeadAttention against nn.MultiheadAttention(batch_first=True) with the same weights."""

import torch
import torch.nn as nn


def build(tf, util, gen, d, h):
    oracle = nn.MultiheadAttention(d, h, batch_first=True)
    util.randomize(oracle, gen)
    ours = tf.MultiHeadAttention(d, h)
    util.load_weights(ours, util.mha_state(oracle), f"MultiHeadAttention({d}, {h})")
    return oracle, ours


def compare(util, oracle, ours, q, k, v, mask, attn_mask, key_padding_mask, call, why):
    with torch.no_grad():
        want, want_w = oracle(q, k, v, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                              need_weights=True, average_attn_weights=False)
    out, weights = util.pair(ours(q, k, v, mask), call)
    util.expect_close(weights, want_w, f"the weights [B, h, Lq, Lk] of {call}", why)
    util.expect_close(out, want, f"the output of {call}", why)


def test_mha_self_attention(tf, util, gen):
    """MultiHeadAttention: self-attention with 1, 2 and 4 heads equals nn.MultiheadAttention"""
    for d, h in ((8, 1), (8, 2), (12, 4)):
        oracle, ours = build(tf, util, gen, d, h)
        x = util.randn(gen, 2, 5, d)
        compare(util, oracle, ours, x, x, x, None, None, None,
                f"MultiHeadAttention({d}, {h})(x, x, x) with x [2, 5, {d}]",
                "project with w_q/w_k/w_v, split D into h heads of d_k = D/h ([B, L, D] -> [B, h, L, d_k], "
                "a view THEN a transpose), attend per head with scale 1/sqrt(d_k), concatenate, apply w_o")


def test_mha_cross_attention_masked(tf, util, gen, rng):
    """MultiHeadAttention: Lq != Lk, a key padding mask and a causal mask"""
    d, h, b = 12, 3, 3
    oracle, ours = build(tf, util, gen, d, h)
    q, kv = util.randn(gen, b, 4, d), util.randn(gen, b, 6, d)
    lengths = util.random_lengths(rng, b, 6)
    real = util.lengths_mask(lengths, 6)
    compare(util, oracle, ours, q, kv, kv, real[:, None, None, :], None, ~real,
            f"MultiHeadAttention({d}, {h})(query [3, 4, {d}], key=value [3, 6, {d}], mask=padding [3, 1, 1, 6] "
            f"for lengths {lengths})", "True in the mask = the key may be attended")
    x = util.randn(gen, b, 5, d)
    causal = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    compare(util, oracle, ours, x, x, x, causal, ~causal, None,
            f"MultiHeadAttention({d}, {h})(x, x, x, mask=causal [5, 5])", "query i may attend to keys 0..i")
