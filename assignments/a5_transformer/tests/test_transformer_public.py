"""Public tests for A5 (the Transformer): small fixed examples you can work out by hand.

The expected numbers come from torch's own modules (F.scaled_dot_product_attention,
nn.LayerNorm) and from the formulas in README.md. The hidden tests check the same ideas on
random inputs against nn.MultiheadAttention, nn.TransformerEncoderLayer and
nn.TransformerDecoderLayer with your weights copied in.
"""

import math

import torch

ATOL = 1e-4


def close(got, want):
    return isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(want.shape) and torch.allclose(
        got.double(), want.double(), atol=ATOL)


def test_sdpa_worked_example(tf):
    """SDPA: one query, three keys, d=4 (scores [2, 0, 2] / sqrt(4))"""
    q = torch.tensor([[1.0, 0, 1, 0]])
    k = torch.tensor([[1.0, 0, 1, 0], [0, 1, 0, 1], [1, 1, 1, 1]])
    v = torch.tensor([[1.0, 0], [0, 1], [1, 1]])
    out, weights = tf.scaled_dot_product_attention(q, k, v)
    assert close(weights, torch.tensor([[0.4223, 0.1554, 0.4223]])), f"weights {weights}, expected [[0.4223, 0.1554, 0.4223]]"
    assert close(out, torch.tensor([[0.8446, 0.5777]])), f"output {out}, expected [[0.8446, 0.5777]]"


def test_sdpa_mask_true_means_attend(tf):
    """SDPA: with mask [True, True, False] the last key gets weight exactly 0"""
    q = torch.tensor([[1.0, 1.0]])
    k = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]) * math.sqrt(2) / 2
    v = torch.eye(3)
    out, weights = tf.scaled_dot_product_attention(q, k, v, torch.tensor([True, True, False]))
    assert close(weights, torch.tensor([[0.2689, 0.7311, 0.0]])), (
        f"weights {weights}, expected [[0.2689, 0.7311, 0.0]] (True = may attend; mask before the softmax)")
    assert weights[0, 2].item() == 0.0, "a masked weight must be exactly 0"


def test_sdpa_fully_masked_row(tf):
    """SDPA: a query with no allowed key gives zeros, not NaN"""
    out, weights = tf.scaled_dot_product_attention(torch.ones(2, 4), torch.ones(3, 4), torch.ones(3, 2),
                                                    torch.tensor([[True, False, True], [False, False, False]]))
    assert not torch.isnan(out).any() and not torch.isnan(weights).any(), f"NaN in {out} / {weights}"
    assert close(weights[1], torch.zeros(3)) and close(out[1], torch.zeros(2)), f"row 1: {weights[1]}, {out[1]}"


def test_masks(tf):
    """causal_mask(3) and padding_mask"""
    want = torch.tensor([[True, False, False], [True, True, False], [True, True, True]])
    assert torch.equal(tf.causal_mask(3), want), f"causal_mask(3) = {tf.causal_mask(3)}, expected {want}"
    got = tf.padding_mask(torch.tensor([[5, 6, 0], [7, 0, 0]]))
    want = torch.tensor([[True, True, False], [True, False, False]])[:, None, None, :]
    assert tuple(got.shape) == (2, 1, 1, 3) and torch.equal(got, want), f"padding_mask gave {got}, expected {want}"


def test_mha_shapes(tf):
    """MultiHeadAttention(8, 2): shapes and parameter names"""
    mha = tf.MultiHeadAttention(8, 2)
    names = set(mha.state_dict())
    want = {f"{w}.{p}" for w in ("w_q", "w_k", "w_v", "w_o") for p in ("weight", "bias")}
    assert names == want, f"parameters {sorted(names)}, expected {sorted(want)}"
    out, weights = mha(torch.randn(3, 4, 8), torch.randn(3, 5, 8), torch.randn(3, 5, 8))
    assert tuple(out.shape) == (3, 4, 8) and tuple(weights.shape) == (3, 2, 4, 5), (
        f"shapes {tuple(out.shape)}, {tuple(weights.shape)}; expected (3, 4, 8), (3, 2, 4, 5)")


def test_positional_encoding(tf):
    """Sinusoidal PE, d=4, positions 0..2"""
    want = torch.tensor([[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.0100, 0.9999], [0.9093, -0.4161, 0.0200, 0.9998]])
    got = tf.sinusoidal_positional_encoding(3, 4)
    assert close(got, want), f"sinusoidal_positional_encoding(3, 4) = {got}, expected {want}"


def test_layer_norm(tf):
    """LayerNorm(4) on [1, 2, 3, 4]: biased variance, eps inside the sqrt"""
    got = tf.LayerNorm(4)(torch.tensor([[1.0, 2.0, 3.0, 4.0]]))
    want = torch.tensor([[-1.3416, -0.4472, 0.4472, 1.3416]])
    assert close(got, want), f"LayerNorm(4)([[1, 2, 3, 4]]) = {got}, expected {want}"


def test_layers_shapes(tf):
    """EncoderLayer and DecoderLayer keep the shape [B, L, D]"""
    x, memory = torch.randn(2, 5, 8), torch.randn(2, 7, 8)
    shape = tuple(tf.EncoderLayer(8, 2, 16)(x).shape)
    assert shape == (2, 5, 8), f"EncoderLayer(8, 2, 16)(x) for x of shape [2, 5, 8] has shape {list(shape)}"
    shape = tuple(tf.DecoderLayer(8, 2, 16)(x, memory, tf.causal_mask(5)).shape)
    assert shape == (2, 5, 8), (f"DecoderLayer(8, 2, 16)(x, memory, causal_mask(5)) for x of shape [2, 5, 8] and "
                                f"memory of shape [2, 7, 8] has shape {list(shape)}")


def test_noam(tf):
    """Noam schedule, d=512, warmup=4000"""
    for step, want in ((1, 1.7469e-07), (4000, 6.9877e-04), (8000, 4.9411e-04)):
        got = tf.noam_lr(step, 512, 4000)
        assert abs(got - want) < 1e-4 * want, f"noam_lr({step}, 512, 4000) = {got:.4e}, expected {want:.4e}"
