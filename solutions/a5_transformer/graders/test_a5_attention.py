"""Graders: scaled dot-product attention (oracle: F.scaled_dot_product_attention), its
1/sqrt(d) scale, masking and fully masked rows.

Each rule is checked on inputs where the others cannot make it fail: the softmax and the
masks with d = 1 (where 1/sqrt(d) = 1, so a wrong scale changes nothing), the scale by
comparing the student's function with itself (whatever axis its softmax runs over), a
fully masked query by its own row only.
"""

import math

import torch
import torch.nn.functional as F

from autograder.toolkit import fail

SOFTMAX_RULE = ("the weights are the softmax of the scores q.k / sqrt(d) over the KEYS (the last axis): each "
                "query's weights are non-negative and sum to 1; the output is weights @ v")
MASK_RULE = ("a boolean mask is True where the query may attend: a masked key gets weight exactly 0 and each "
             "query's weights over its allowed keys still sum to 1")
SCALE_RULE = ("the scores are q.k / sqrt(d), d the last dim of q: repeating q and k r times along d multiplies q.k "
              "by r and sqrt(d) by sqrt(r), so the weights are those of (sqrt(r) * q, k)")
FULLY_MASKED_RULE = ("a query whose keys are ALL masked gets all-zero weights and a zero output (never NaN), as "
                     "torch's F.scaled_dot_product_attention gives")
D_IS_ONE = "d = 1 here, so the scale 1/sqrt(d) is 1"


def weights_of(answer):
    return answer[1]


def output_of(answer):
    return answer[0]


def oracle(q, k, v, mask=None):
    """torch's SDPA (True = may attend) and the weights it uses, recomputed in float64."""
    out = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), attn_mask=mask)
    scores = q.double() @ k.double().transpose(-2, -1) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
    return out, weights


def sdpa_call(a5, q, k, v, mask=None, mask_text=None):
    text = f"scaled_dot_product_attention(q {a5.shape(q)}, k {a5.shape(k)}, v {a5.shape(v)}"
    text += ")" if mask is None else f", mask={mask_text or a5.shape(mask)})"
    args = (q, k, v) if mask is None else (q, k, v, mask)
    return a5.Shown(text, "scaled_dot_product_attention", *args)


def masked_attention(weights, mask, lq, lk):
    """The student's weights for the batch row and head the mask hides most of, beside what
    the mask allows, as plain data for a picture; None unless the weights have the mask's
    shape (they are graded by the check, not here)."""
    if not isinstance(weights, torch.Tensor) or not weights.is_floating_point():
        return None
    if weights.dim() < mask.dim() or tuple(weights.shape[-2:]) != (lq, lk):
        return None
    try:
        allowed = mask.expand(*weights.shape[:-2], lq, lk)
    except RuntimeError:  # batch dimensions the mask cannot cover: the check itself says so
        return None
    allowed, weights = allowed.reshape(-1, lq, lk), weights.reshape(-1, lq, lk)
    most = int(allowed.sum(dim=(1, 2)).argmin())
    first, allowed = weights[most].double(), allowed[most]
    return {"source": [f"k{j}" for j in range(lk)], "output": [f"q{i}" for i in range(lq)],
            "weights": [[round(float(x), 4) if math.isfinite(x) else None for x in row] for row in first.tolist()],
            "allowed": [[bool(x) for x in row] for row in allowed.tolist()]}


def check_against_oracle(a5, tf, mistakes, q, k, v, mask, rule, mask_text=None, notes=(), record=None):
    call = sdpa_call(a5, q, k, v, mask, mask_text)
    out, weights = a5.pair(call.run(tf), call)
    picture = masked_attention(weights, mask, q.size(-2), k.size(-2)) if record is not None else None
    if picture is not None:
        record("masked_attention", picture)
    want_out, want_w = oracle(q, k, v, mask)
    a5.expect_part(weights, want_w, call.part("[1] (the weights)"), rule=rule, mistakes=mistakes, part=weights_of,
                   exact_zeros=True, notes=[*a5.row_sums(weights, want_w), *notes])
    a5.expect_part(out, want_out, call.part("[0] (the output)"), rule=rule, mistakes=mistakes, part=output_of,
                   notes=["the weights are right; the output [..., Lq, dv] is not", *notes])


def test_sdpa_softmax_over_keys(a5, tf, mistakes, gen):
    """SDPA: the weights are a softmax over the keys (each query's weights sum to 1) and the output is weights @ v"""
    for dims in ((2, 3, 4, 6, 3), (3, 1, 5, 2, 2), (4, 7, 3)):
        *batch, lq, lk, dv = dims
        q, k = a5.randn(gen, *batch, lq, 1, scale=2.0), a5.randn(gen, *batch, lk, 1, scale=2.0)
        v = a5.randn(gen, *batch, lk, dv)
        check_against_oracle(a5, tf, mistakes, q, k, v, None, SOFTMAX_RULE, notes=[D_IS_ONE])


def test_sdpa_padding_mask(a5, tf, mistakes, gen, rng, record):
    """SDPA: with a padding mask [B, 1, 1, Lk] (True = may attend), masked keys get weight 0 and the rest sum to 1"""
    b, h, lq, lk = 3, 2, 4, 6
    q, k = a5.randn(gen, b, h, lq, 1, scale=2.0), a5.randn(gen, b, h, lk, 1, scale=2.0)
    v = a5.randn(gen, b, h, lk, 3)
    lengths = a5.random_lengths(rng, b, lk)
    mask = a5.lengths_mask(lengths, lk)[:, None, None, :]
    check_against_oracle(a5, tf, mistakes, q, k, v, mask, MASK_RULE,
                         mask_text=f"padding [{b}, 1, 1, {lk}] for lengths {lengths}", notes=[D_IS_ONE],
                         record=record)


def test_sdpa_causal_mask(a5, tf, mistakes, gen, record):
    """SDPA: with a causal mask [L, L] (True = may attend), query i attends to keys 0..i only, its weights summing to 1"""
    b, h, length = 2, 3, 5
    q, k = a5.randn(gen, b, h, length, 1, scale=2.0), a5.randn(gen, b, h, length, 1, scale=2.0)
    v = a5.randn(gen, b, h, length, 2)
    mask = a5.causal(length)
    check_against_oracle(a5, tf, mistakes, q, k, v, mask, MASK_RULE,
                         mask_text=f"causal {mask.int().tolist()}", notes=[D_IS_ONE], record=record)


def test_scale_sqrt_d(a5, tf, mistakes, gen):
    """Scale: the scores are divided by sqrt(d), d the last dim of q (d = 2, 3, 16, 64, and q, k repeated along d)"""
    for d, r in ((2, 4), (3, 9), (16, 4), (64, 4)):
        q, k, v = a5.randn(gen, 2, 3, d), a5.randn(gen, 2, 5, d), a5.randn(gen, 2, 5, 2)
        root = math.isqrt(r)
        wide = sdpa_call(a5, q.repeat(1, 1, r), k.repeat(1, 1, r), v).part("[1] (the weights)")
        _, got = a5.pair(wide.run(tf), wide)
        scaled = sdpa_call(a5, root * q, k, v).part("[1]")
        _, want = a5.pair(scaled.run(tf), scaled)
        a5.expect_part(got, want, wide, rule=SCALE_RULE, mistakes=mistakes, part=weights_of,
                       notes=[(f"q and k have d = {d}, repeated {r} times here (d = {r * d}); the expected weights "
                               f"are what your function returns for ({root} * q, k, v) with d = {d}")])
        plain = sdpa_call(a5, q, k, v).part("[1]")
        _, unscaled = a5.pair(plain.run(tf), plain)
        if a5.same_tensor()(got, unscaled):  # weights that ignore q.k pass the comparison above
            raise fail(SCALE_RULE + "; so they differ from the weights of (q, k)", wide,
                       f"the same weights as {plain}", f"the weights of {scaled}")


def index_text(rows):
    return "[" + ", ".join(":" if r == slice(None) else str(r) for r in rows) + "]"


def _fully_masked(a5, tf, mistakes, q, k, v, mask, rows, mask_text):
    """The fully masked queries ``rows`` (an index into [..., Lq]) are zero, the others are not."""
    call = sdpa_call(a5, q, k, v, mask, mask_text)
    out, weights = a5.pair(call.run(tf), call)
    want_out, want_w = oracle(q, k, v, mask)

    def pick(t):
        try:
            return t[rows]
        except Exception:  # not a tensor of the expected shape: shown as it came
            return t

    note = "only the fully masked queries are checked here"
    a5.expect_part(pick(weights), want_w[rows], call.part(f"[1]{index_text(rows)} (the weights of the fully masked "
                                                          f"queries)"), rule=FULLY_MASKED_RULE, mistakes=mistakes,
                   part=lambda answer: answer[1][rows], notes=[note])
    a5.expect_part(pick(out), want_out[rows], call.part(f"[0]{index_text(rows)} (the output of the fully masked "
                                                        f"queries)"), rule=FULLY_MASKED_RULE, mistakes=mistakes,
                   part=lambda answer: answer[0][rows], notes=[note])
    others = torch.ones(want_w.shape[:-1], dtype=torch.bool)
    others[rows] = False
    if isinstance(weights, torch.Tensor) and weights.shape == want_w.shape and bool((weights[others] == 0).all()):
        raise fail("only a query whose keys are all masked gets all-zero weights; a query with an allowed key "
                   "gives it weight", call, "all-zero weights for every query",
                   "non-zero weights for the queries that have an allowed key")


def test_fully_masked_query(a5, tf, mistakes, gen):
    """Fully masked: a query whose mask row is all False gets zero weights and a zero output, not NaN"""
    q, k, v = a5.randn(gen, 2, 3, 4), a5.randn(gen, 2, 5, 4), a5.randn(gen, 2, 5, 3)
    mask = torch.tensor([[True, False, True, False, False],
                         [False, False, False, False, False],
                         [False, False, False, True, True]])
    _fully_masked(a5, tf, mistakes, q, k, v, mask, (slice(None), 1), f"{mask.int().tolist()} (query 1 has no key)")


def test_fully_masked_padding_only(a5, tf, mistakes, gen):
    """Fully masked: every query of a sequence made only of padding gets zero weights and a zero output, not NaN"""
    b, h, lq, lk = 3, 2, 4, 5
    q, k, v = a5.randn(gen, b, h, lq, 4), a5.randn(gen, b, h, lk, 4), a5.randn(gen, b, h, lk, 2)
    lengths = [lk, 0, 2]
    mask = a5.lengths_mask(lengths, lk)[:, None, None, :]
    _fully_masked(a5, tf, mistakes, q, k, v, mask, (1,), f"padding [{b}, 1, 1, {lk}] for lengths {lengths}")
