"""Graders: MultiHeadAttention against nn.MultiheadAttention(batch_first=True) with the same
weights, run with the reference's scaled_dot_product_attention in place of the student's
(a mistake there is charged to attention, not here)."""

import torch.nn as nn

from autograder.toolkit import trusted

RULE = ("MultiHeadAttention projects with w_q, w_k, w_v, splits D into h heads of d_k = D / h ([B, L, D] -> "
        "[B, L, h, d_k] -> [B, h, L, d_k]), attends in every head, concatenates the heads back ([B, h, Lq, d_k] -> "
        "[B, Lq, h, d_k] -> [B, Lq, D]) and applies w_o: equal to nn.MultiheadAttention with the same weights")
MASK_RULE = RULE + "; the mask (True = may attend) goes to every head's attention"
SDPA = "scaled_dot_product_attention"


def check(a5, tf, mistakes, gen, d, h, query, key, value, mask, mask_text, rule):
    oracle = a5.randomize(nn.MultiheadAttention(d, h, batch_first=True), gen)
    weights = a5.mha_state(oracle)
    inputs = (query, key, value) if mask is None else (query, key, value, mask)
    text = (f"MultiHeadAttention({d}, {h})(query {a5.shape(query)}, key {a5.shape(key)}, value {a5.shape(value)}"
            + (")" if mask is None else f", mask={mask_text})"))
    call = a5.Shown(text, "MultiHeadAttention", d, h)
    reference = mistakes.reference(a5.MODULE)
    with trusted(tf, mistakes, SDPA):
        ours = call.run(tf)
        a5.load_weights(ours, weights, f"MultiHeadAttention({d}, {h})")
        out, got_w = a5.pair(ours(*inputs), call, ("out", "weights"))
    attn_mask = None if mask is None else ~mask.expand(query.shape[0], h, query.shape[1], key.shape[1]).reshape(
        -1, query.shape[1], key.shape[1])
    want, want_w = oracle(query, key, value, attn_mask=attn_mask, need_weights=True, average_attn_weights=False)
    for got, expected, index, what in ((got_w, want_w, 1, "the weights [B, h, Lq, Lk]"), (out, want, 0, "the output")):
        a5.expect_part(got, expected.detach(), call.part(f"[{index}] ({what})"), rule=rule, mistakes=mistakes,
                       part=a5.run_built(weights, inputs, trusted=(SDPA,), reference=reference,
                                         take=lambda answer, index=index: answer[index]),
                       notes=[a5.RANDOM_WEIGHTS.format(oracle="nn.MultiheadAttention")])


def test_mha_self_attention(a5, tf, mistakes, gen):
    """MultiHeadAttention: self-attention with 1, 2 and 4 heads equals nn.MultiheadAttention with the same weights"""
    for d, h in ((8, 1), (8, 2), (12, 4)):
        x = a5.randn(gen, 2, 5, d)
        check(a5, tf, mistakes, gen, d, h, x, x, x, None, None, RULE)


def test_mha_cross_attention(a5, tf, mistakes, gen):
    """MultiHeadAttention: cross-attention (queries from one sequence, keys and values from another, Lq != Lk) equals nn.MultiheadAttention"""
    d, h = 12, 3
    query, key, value = a5.randn(gen, 3, 4, d), a5.randn(gen, 3, 6, d), a5.randn(gen, 3, 6, d)
    check(a5, tf, mistakes, gen, d, h, query, key, value, None, None, RULE)


def test_mha_masks(a5, tf, mistakes, gen, rng):
    """MultiHeadAttention: with a padding mask [B, 1, 1, Lk] or a causal mask [L, L] (True = may attend) for every head, equals nn.MultiheadAttention"""
    d, h, b = 12, 3, 3
    query, memory = a5.randn(gen, b, 4, d), a5.randn(gen, b, 6, d)
    lengths = a5.random_lengths(rng, b, 6)
    pad = a5.lengths_mask(lengths, 6)[:, None, None, :]
    check(a5, tf, mistakes, gen, d, h, query, memory, memory, pad, f"padding [3, 1, 1, 6] for lengths {lengths}",
          MASK_RULE)
    x = a5.randn(gen, b, 5, d)
    check(a5, tf, mistakes, gen, d, h, x, x, x, a5.causal(5), "causal [5, 5]", MASK_RULE)
