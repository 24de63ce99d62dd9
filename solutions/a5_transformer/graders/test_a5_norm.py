"""Graders: LayerNorm (oracle nn.LayerNorm) and the position-wise feed-forward network."""

import torch
import torch.nn as nn


def test_layernorm_example(tf, util):
    """LayerNorm: [1, 2, 3, 4] -> biased variance inside the sqrt, like nn.LayerNorm"""
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    call = "LayerNorm(4)(torch.tensor([[1., 2., 3., 4.]]))"
    got = util.tensor(tf.LayerNorm(4)(x), call, shape=(1, 4))
    want = nn.LayerNorm(4)(x).detach()
    assert util.close(got, want), (
        f"{call} returned {util.show(got)}; expected {util.show(want)}: (x - mean) / sqrt(var + eps) with the "
        f"biased variance (divide by D, not D-1) and eps inside the square root")


def test_layernorm_random(tf, util, gen):
    """LayerNorm: random [B, L, D] input, random weight and bias, eps 1e-5 and 0.1"""
    for d, eps in ((6, 1e-5), (16, 0.1)):
        oracle = util.randomize(nn.LayerNorm(d, eps=eps), gen)
        ours = tf.LayerNorm(d, eps=eps)
        call = f"LayerNorm({d}, eps={eps})"
        util.load_weights(ours, {k: v.detach().clone() for k, v in oracle.state_dict().items()}, call)
        x = util.randn(gen, 2, 3, d, scale=0.5) + 1.0
        with torch.no_grad():
            want = oracle(x)
        util.expect_close(ours(x), want, f"{call}(x [2, 3, {d}]) with weight/bias set",
                          "normalise over the last dim, then multiply by weight and add bias")


def test_ff_relu(tf, util, gen):
    """PositionwiseFeedForward: linear2(relu(linear1(x)))"""
    d, d_ff = 6, 10
    linear1, linear2 = nn.Linear(d, d_ff), nn.Linear(d_ff, d)
    util.randomize(linear1, gen)
    util.randomize(linear2, gen)
    ours = tf.PositionwiseFeedForward(d, d_ff)
    call = f"PositionwiseFeedForward({d}, {d_ff})"
    util.load_weights(ours, {"linear1.weight": linear1.weight.detach().clone(), "linear1.bias": linear1.bias.detach().clone(),
                             "linear2.weight": linear2.weight.detach().clone(), "linear2.bias": linear2.bias.detach().clone()}, call)
    x = util.randn(gen, 2, 4, d)
    with torch.no_grad():
        want = linear2(torch.relu(linear1(x)))
    util.expect_close(ours(x), want, f"{call}(x [2, 4, {d}])", "linear1, ReLU, linear2")
