"""Noam schedule without the warm-up: always d^-0.5 * step^-0.5.

Loses: noam
Hint: the schedule has a warm-up: min(step^-0.5, step * warmup^-1.5), so the rate
  grows linearly up to step == warmup before it decays.
"""


def noam_lr(step, d_model, warmup, factor=1.0):
    if step < 1:
        raise ValueError("step must be >= 1")
    return factor * d_model ** -0.5 * step ** -0.5
