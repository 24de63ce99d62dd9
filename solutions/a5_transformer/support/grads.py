"""A5 grading support: a backward pass that runs NEXT TO the student's module.

The A5 graders load this file into the student process with
``student.support_module("a5_grads", source)``: a module cannot leave that process, so the
backward pass happens here. Students may read this file; it decides nothing. It only calls
the module's forward (the contract's API) and reports every parameter's gradient.
"""

from __future__ import annotations

import math

import torch


def gradient_report(module, args, seed=0):
    """Forward ``module(*args)``, back-propagate a random linear function of the output
    (a plain ``sum()`` would give zero gradients behind a LayerNorm), and report
    {parameter name: [has a gradient, gradient norm, all finite]}."""
    generator = torch.Generator().manual_seed(seed)
    named = list(module.named_parameters())
    for _, p in named:
        p.grad = None
    out = module(*args)
    if isinstance(out, (tuple, list)):
        out = out[0]
    weights = torch.randn(out.shape, generator=generator, dtype=out.dtype)
    (out * weights).sum().backward()
    report = {}
    for name, p in named:
        if p.grad is None:
            report[name] = [False, 0.0, True]
        else:
            norm = float(p.grad.double().norm())
            report[name] = [True, norm, math.isfinite(norm)]
        p.grad = None
    return report
