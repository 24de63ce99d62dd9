"""Graders: gradients reach every parameter (the backward pass runs in the child, in
support/grads.py; the verdict is taken here from the reported gradient norms, and the same
file runs here on the known mistakes' modules)."""

import torch

from autograder.toolkit import expect_equal

RULE = ("after a backward pass through the output, every parameter has a finite, non-zero gradient: nothing on "
        "the way from a parameter to the output is detached (.detach(), torch.no_grad(), .data, a numpy round "
        "trip) or left unused")


def without_gradient(report):
    """The parameters whose gradient is missing, zero or not finite (a report is
    {name: [has a gradient, norm, finite]})."""
    if not isinstance(report, dict) or not report:
        return ["(the module has no parameters)"]
    return sorted(name for name, (has, norm, finite) in report.items() if not has or norm == 0.0 or not finite)


def check(a5, student, mistakes, call, args, seed):
    module = call.run(student.module(a5.MODULE))
    report = a5.grads_in_child(student).gradient_report(module, args, seed)
    expect_equal(without_gradient(report), [], call, rule=RULE, mistakes=mistakes,
                 normalize=lambda built: without_gradient(a5.grads_here().gradient_report(built, args, seed)),
                 show=lambda names: f"no (finite, non-zero) gradient for {names}" if names
                 else "a gradient for every parameter")


def test_gradients_mha(a5, student, mistakes, gen, rng):
    """Gradients: every parameter of MultiHeadAttention gets a gradient (masked cross-attention)"""
    q, kv = a5.randn(gen, 2, 3, 8), a5.randn(gen, 2, 5, 8)
    mask = torch.tensor([True, True, False, True, False])[None, None, None, :]
    call = a5.Shown("a backward pass through MultiHeadAttention(8, 2)(query [2, 3, 8], key=value [2, 5, 8], "
                    "mask [1, 1, 1, 5])", "MultiHeadAttention", 8, 2)
    check(a5, student, mistakes, call, [q, kv, kv, mask], rng.randrange(2**31))


def test_gradients_encoder(a5, student, mistakes, gen, rng):
    """Gradients: every parameter of EncoderLayer gets a gradient"""
    x = a5.randn(gen, 2, 4, 8)
    call = a5.Shown("a backward pass through EncoderLayer(8, 2, 16)(x [2, 4, 8], mask=causal [4, 4])",
                    "EncoderLayer", 8, 2, 16)
    check(a5, student, mistakes, call, [x, a5.causal(4)], rng.randrange(2**31))


def test_gradients_decoder(a5, student, mistakes, gen, rng):
    """Gradients: every parameter of DecoderLayer gets a gradient"""
    x, memory = a5.randn(gen, 2, 4, 8), a5.randn(gen, 2, 5, 8)
    call = a5.Shown("a backward pass through DecoderLayer(8, 2, 16)(x [2, 4, 8], memory [2, 5, 8], "
                    "tgt_mask=causal [4, 4])", "DecoderLayer", 8, 2, 16)
    check(a5, student, mistakes, call, [x, memory, a5.causal(4), None], rng.randrange(2**31))
