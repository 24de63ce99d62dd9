"""Graders: gradients reach every parameter (the backward pass runs in the child, in
support/grads.py; the verdict is taken here from the reported gradient norms)."""

import torch


def check_report(report, call):
    if not isinstance(report, dict) or not report:
        raise AssertionError(f"{call}: the module reported no parameters; expected the contract's parameters")
    missing = [name for name, (has, norm, finite) in report.items() if not has or norm == 0.0]
    broken = [name for name, (has, norm, finite) in report.items() if has and not finite]
    assert not broken, f"{call}: the gradients of {broken} are not finite (NaN or inf)"
    assert not missing, (
        f"{call}: after a backward pass through the output, the parameters {missing} got no (or an all-zero) "
        f"gradient. Is something detached (.detach(), torch.no_grad(), .data, a numpy round trip) or unused?")


def test_gradients_mha(tf, util, gen, rng, student):
    """Gradients: every parameter of MultiHeadAttention gets a gradient (masked cross-attention)"""
    mha = tf.MultiHeadAttention(8, 2)
    q, kv = util.randn(gen, 2, 3, 8), util.randn(gen, 2, 5, 8)
    mask = torch.tensor([True, True, False, True, False])[None, None, None, :]
    report = util.grads(student).gradient_report(mha, [q, kv, kv, mask], rng.randrange(2**31))
    check_report(report, "MultiHeadAttention(8, 2)(query, key, value, mask)")


def test_gradients_layers(tf, util, gen, rng, student):
    """Gradients: every parameter of EncoderLayer and DecoderLayer gets a gradient"""
    grads = util.grads(student)
    x, memory = util.randn(gen, 2, 4, 8), util.randn(gen, 2, 5, 8)
    causal = torch.tril(torch.ones(4, 4, dtype=torch.bool))
    report = grads.gradient_report(tf.EncoderLayer(8, 2, 16), [x, causal], rng.randrange(2**31))
    check_report(report, "EncoderLayer(8, 2, 16)(x, mask)")
    report = grads.gradient_report(tf.DecoderLayer(8, 2, 16), [x, memory, causal, None], rng.randrange(2**31))
    check_report(report, "DecoderLayer(8, 2, 16)(x, memory, tgt_mask, None)")
