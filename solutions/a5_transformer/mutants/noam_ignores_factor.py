"""noam_lr ignores its factor argument (as if it were always 1).

Loses: noam
Hint: the schedule is multiplied by factor: factor * d_model^-0.5 * min(...); the
  default factor=1.0 hides a missing factor.
"""


def noam_lr(step, d_model, warmup, factor=1.0):
    if step < 1:
        raise ValueError(f"step={step} must be >= 1")
    return d_model ** -0.5 * min(step ** -0.5, step * warmup ** -1.5)
