"""A7 grading support: work that runs NEXT TO the student's ALBERT modules.

The graders load this file into the student process with ``student.support_module(
"a7_modules_probe", source)``: a module cannot leave that process, so whatever needs the
objects themselves (which parameter is which, a backward pass) happens here. Students may
read this file; it decides nothing. It only reports raw data (names, shapes, gradients,
what a layer was called with) that the graders check themselves, and the same file runs in
the grading process on the known mistakes' modules.
"""

from __future__ import annotations

import torch
from torch import nn


def parameter_report(module, layer=None):
    """``[name, shape, owner]`` for every parameter of ``module`` (``module.named_parameters()``,
    one entry per distinct tensor); ``owner`` is the name of the parameter of ``layer`` that
    is the very same object, or None."""
    own = {id(p): name for name, p in layer.named_parameters()} if layer is not None else {}
    return [[name, list(p.shape), own.get(id(p))] for name, p in module.named_parameters()]


def shared_gradients(encoder, layer, x, upstream):
    """Forward ``encoder(x)``, back-propagate ``(output * upstream).sum()`` and report
    ``(output, {name: gradient or None})`` for the parameters of ``layer`` (the one layer the
    encoder was given). No backward pass when the output is not a tensor of ``upstream``'s
    shape with a path to a parameter."""
    named = list(layer.named_parameters())
    for _, p in named:
        p.grad = None
    out = encoder(x)
    if isinstance(out, torch.Tensor) and tuple(out.shape) == tuple(upstream.shape) and out.requires_grad:
        (out * upstream.to(out.dtype)).sum().backward()
    grads = {name: None if p.grad is None else p.grad.detach().clone() for name, p in named}
    for _, p in named:
        p.grad = None
    return (out.detach().clone() if isinstance(out, torch.Tensor) else out), grads


CALLS = []
"""What every Recorder (and every copy of one) was called with, in order: module-level, so
a copy of the layer (``copy.deepcopy``) records here too."""


def take_calls():
    """The calls recorded since the last time, and a fresh start."""
    calls = list(CALLS)
    CALLS.clear()
    return calls


class Recorder(nn.Module):
    """A layer with a second argument: ``forward(x, mask=None, scale=1.0)`` returns
    ``scale * x`` with the positions where ``mask`` is False set to 0 (``x * scale`` when no
    mask), and records what the call was given in ``CALLS``: ``[mask as a list or None,
    scale]``."""

    def forward(self, x, mask=None, scale=1.0):
        CALLS.append([None if mask is None else torch.as_tensor(mask).tolist(), float(scale)])
        if mask is not None:
            x = x.masked_fill(~torch.as_tensor(mask, dtype=torch.bool)[..., None], 0.0)
        return x * scale
