"""Graders: scaled dot-product attention (oracle: F.scaled_dot_product_attention), its
1/sqrt(d) scale, masking and fully masked rows."""

import math

import torch
import torch.nn.functional as F


def oracle(q, k, v, mask=None):
    """torch's SDPA (True = may attend) and the weights it uses, recomputed in float64."""
    out = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), attn_mask=mask)
    scores = q.double() @ k.double().transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return out, weights


def check(tf, util, q, k, v, mask, what):
    call = (f"scaled_dot_product_attention(q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}, "
            f"mask={'None' if mask is None else tuple(mask.shape)})")
    out, weights = util.pair(tf.scaled_dot_product_attention(q, k, v, mask), call)
    want_out, want_w = oracle(q, k, v, mask)
    util.expect_close(weights, want_w, f"the weights of {call}", what)
    util.expect_close(out, want_out, f"the output of {call}", what)


def test_sdpa_worked_example(tf, util):
    """SDPA: the small example from the README (d=4, one query, three keys)"""
    q = torch.tensor([[1.0, 0, 1, 0]])
    k = torch.tensor([[1.0, 0, 1, 0], [0, 1, 0, 1], [1, 1, 1, 1]])
    v = torch.tensor([[1.0, 0], [0, 1], [1, 1]])
    call = "scaled_dot_product_attention(q=[[1,0,1,0]], k=[[1,0,1,0],[0,1,0,1],[1,1,1,1]], v=[[1,0],[0,1],[1,1]])"
    out, weights = util.pair(tf.scaled_dot_product_attention(q, k, v), call)
    util.expect_close(weights, torch.tensor([[0.42231879825, 0.15536240349, 0.42231879825]]),
                      f"the weights of {call}", "scores q.k = [2, 0, 2] divided by sqrt(4) = 2, softmax over the 3 keys")
    util.expect_close(out, torch.tensor([[0.84463759651, 0.57768120174]]), f"the output of {call}",
                      "the weights times the values")


def test_sdpa_random_batched(tf, util, gen):
    """SDPA: random [B, h, Lq, d] inputs with Lq != Lk and dv != d, no mask"""
    for shape in ((2, 3, 4, 8, 6), (3, 1, 5, 4, 3)):
        b, h, lq, lk, d = shape
        q, k = util.randn(gen, b, h, lq, d), util.randn(gen, b, h, lk, d)
        v = util.randn(gen, b, h, lk, d + 2)
        check(tf, util, q, k, v, None, "softmax over the keys (last axis) of q k^T / sqrt(d)")


def test_sdpa_masked(tf, util, gen, rng):
    """SDPA: a padding mask [B, 1, 1, Lk] and a causal mask [L, L]; True = may attend"""
    b, h, l, d = 3, 2, 5, 4
    q, k, v = (util.randn(gen, b, h, l, d) for _ in range(3))
    lengths = util.random_lengths(rng, b, l)
    pad = util.lengths_mask(lengths, l)[:, None, None, :]
    check(tf, util, q, k, v, pad, f"key padding mask with lengths {lengths}: True = the key may be attended, "
          f"masked weights must be exactly 0")
    causal = torch.tril(torch.ones(l, l, dtype=torch.bool))
    check(tf, util, q, k, v, causal, "causal mask: query i sees keys 0..i only")
    out, weights = tf.scaled_dot_product_attention(q, k, v, causal & pad)
    weights = util.tensor(weights, "the weights of scaled_dot_product_attention with a mask")
    blocked = ~(causal & pad).expand(b, h, l, l)
    assert bool((weights[blocked] == 0).all()), (
        f"masked positions must get weight exactly 0, found {float(weights[blocked].abs().max()):.3g}: "
        f"fill the scores with -inf (not a large negative number, not after the softmax)")


def test_scale_large_d(tf, util, gen):
    """SDPA: the 1/sqrt(d) scale keeps the softmax from saturating when d is large (d=256)"""
    d = 256
    q, k, v = util.randn(gen, 2, 6, d), util.randn(gen, 2, 7, d), util.randn(gen, 2, 7, 3)
    call = f"scaled_dot_product_attention(q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)})"
    out, weights = util.pair(tf.scaled_dot_product_attention(q, k, v), call)
    weights = util.tensor(weights, f"the weights of {call}", shape=(2, 6, 7))
    _, want = oracle(q, k, v)
    if not util.close(weights, want):
        raise AssertionError(
            f"with d={d} and unit-normal q, k the weights of {call} differ from softmax(q k^T / sqrt(d)) "
            f"{util.first_difference(weights, want)}; largest weight {float(weights.max()):.4f} vs expected "
            f"{float(want.max()):.4f}. q.k has variance d, so dividing by sqrt(d) (not d, not 1) keeps the "
            f"scores near unit variance and the softmax away from one-hot saturation.")


def test_scale_small_d(tf, util, gen):
    """SDPA: scale 1/sqrt(d) with d = 2, 3 and 9 (d is the last dim of q)"""
    for d in (2, 3, 9):
        q, k, v = util.randn(gen, 1, 3, d, scale=2.0), util.randn(gen, 1, 4, d, scale=2.0), util.randn(gen, 1, 4, 2)
        check(tf, util, q, k, v, None, f"d={d}: scores are q.k / sqrt({d})")


def test_fully_masked_row_is_zero(tf, util, gen):
    """SDPA: a query with no allowed key gets zero weights and a zero output, never NaN"""
    q, k, v = util.randn(gen, 2, 3, 4), util.randn(gen, 2, 5, 4), util.randn(gen, 2, 5, 3)
    mask = torch.tensor([[True, False, True, False, False],
                         [False, False, False, False, False],
                         [False, False, False, True, True]])
    call = "scaled_dot_product_attention(q [2, 3, 4], k [2, 5, 4], v [2, 5, 3], mask [3, 5] whose row 1 is all False)"
    out, weights = util.pair(tf.scaled_dot_product_attention(q, k, v, mask), call)
    if isinstance(weights, torch.Tensor) and torch.isnan(weights).any():
        raise AssertionError(f"{call} gave NaN weights for the fully masked query: a softmax over a row of "
                             f"only -inf is 0/0; give such rows zero weights (torch's SDPA returns zeros)")
    want_out, want_w = oracle(q, k, v, mask)
    util.expect_close(weights, want_w, f"the weights of {call}", "row 1 must be all zeros, the others sum to 1")
    util.expect_close(out, want_out, f"the output of {call}", "row 1 must be a zero vector")
