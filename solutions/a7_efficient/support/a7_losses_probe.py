"""A7 grading support: the gradient of distillation_loss, taken NEXT TO the student's code.

The A7 graders load this file into the student process with
``student.support_module("a7_losses_probe", source)``: autograd cannot cross the process
boundary, so the backward pass happens here. Students may read this file; it decides
nothing. It calls ``distillation_loss`` as the contract says, back-propagates the loss to
the student logits and reports the gradient; the graders compare that gradient with the
one they compute themselves.
"""

from __future__ import annotations

import torch


def distillation_gradient(module, student_logits, teacher_logits, labels, temperature, alpha):
    """{"gradient": d loss / d student_logits (a tensor of their shape, or None),
    "problem": why there is no gradient ("" when there is one)}."""
    student = student_logits.detach().clone().requires_grad_(True)
    loss = module.distillation_loss(student, teacher_logits, labels, temperature, alpha)
    if not isinstance(loss, torch.Tensor):
        return {"gradient": None, "problem": f"the loss came back as a {type(loss).__name__}, not a tensor"}
    if loss.numel() != 1:
        return {"gradient": None, "problem": f"the loss came back with shape {list(loss.shape)}, not one number"}
    if not loss.requires_grad:
        return {"gradient": None, "problem": "the loss does not depend on student_logits through torch operations "
                                             "(.item(), .detach(), a numpy round trip or a new torch.tensor(...) "
                                             "cut the graph)"}
    (gradient,) = torch.autograd.grad(loss.reshape(()), student, allow_unused=True)
    if gradient is None:
        return {"gradient": None, "problem": "the loss does not depend on student_logits"}
    return {"gradient": gradient.detach(), "problem": ""}
