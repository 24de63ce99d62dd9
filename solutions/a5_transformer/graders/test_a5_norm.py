"""Graders: LayerNorm (oracle nn.LayerNorm) and the position-wise feed-forward network."""

import torch
import torch.nn as nn

from autograder.toolkit import Call

NORM_RULE = ("LayerNorm normalises each position over the last dim: (x - mean) / sqrt(var + eps), with the biased "
             "variance (divide by D, not D - 1) and eps inside the square root, as nn.LayerNorm")
AFFINE_RULE = NORM_RULE + "; then multiplies by weight and adds bias"
FF_RULE = "the feed-forward network is linear2(relu(linear1(x))), applied to every position"


def check_module(a5, mistakes, call, ours, weights, x, want, rule, notes=()):
    a5.load_weights(ours, weights, Call(call.function, *call.args, **call.kwargs))
    a5.expect_part(ours(x), want, call, rule=rule, mistakes=mistakes, part=a5.run_built(weights, (x,)),
                   notes=notes)


def test_layernorm_normalises(a5, tf, mistakes, gen):
    """LayerNorm: (x - mean) / sqrt(var + eps) over the last dim, biased variance, eps inside the square root"""
    rows = torch.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 3.0]])
    cases = [(4, 0.1, rows, "x = " + str(rows.tolist())),
             (4, 1e-5, rows * 1e-3, f"x = {(rows * 1e-3).tolist()}"),
             (6, 0.5, a5.randn(gen, 2, 3, 6) + 1.0, "x random [2, 3, 6]")]
    for d, eps, x, shown in cases:
        call = a5.Shown(f"LayerNorm({d}, eps={eps})({shown})", "LayerNorm", d, eps=eps)
        oracle = nn.LayerNorm(d, eps=eps)
        weights = {k: v.detach().clone() for k, v in oracle.state_dict().items()}
        with torch.no_grad():
            want = oracle(x)
        check_module(a5, mistakes, call, call.run(tf), weights, x, want, NORM_RULE,
                     notes=["weight = ones and bias = zeros (a fresh LayerNorm)"])


def test_layernorm_weight_bias(a5, tf, mistakes, gen):
    """LayerNorm: with random weight and bias, (x - mean) / sqrt(var + eps) * weight + bias, equal to nn.LayerNorm"""
    for d, eps in ((6, 0.3), (16, 0.1)):
        oracle = a5.randomize(nn.LayerNorm(d, eps=eps), gen)
        weights = {k: v.detach().clone() for k, v in oracle.state_dict().items()}
        x = a5.randn(gen, 2, 3, d, scale=0.5) + 1.0
        call = a5.Shown(f"LayerNorm({d}, eps={eps})(x {a5.shape(x)}) with random weight and bias", "LayerNorm", d,
                        eps=eps)
        with torch.no_grad():
            want = oracle(x)
        check_module(a5, mistakes, call, call.run(tf), weights, x, want, AFFINE_RULE)


def test_ff_relu(a5, tf, mistakes, gen):
    """PositionwiseFeedForward: linear2(relu(linear1(x))) at every position"""
    d, d_ff = 6, 10
    linear1, linear2 = a5.randomize(nn.Linear(d, d_ff), gen), a5.randomize(nn.Linear(d_ff, d), gen)
    weights = {f"{name}.{p}": getattr(layer, p).detach().clone()
               for name, layer in (("linear1", linear1), ("linear2", linear2)) for p in ("weight", "bias")}
    x = a5.randn(gen, 2, 4, d)
    call = a5.Shown(f"PositionwiseFeedForward({d}, {d_ff})(x {a5.shape(x)}) with random weights",
                    "PositionwiseFeedForward", d, d_ff)
    with torch.no_grad():
        want = linear2(torch.relu(linear1(x)))
    check_module(a5, mistakes, call, call.run(tf), weights, x, want, FF_RULE)
