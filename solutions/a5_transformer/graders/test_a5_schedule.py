"""Graders: the Noam learning-rate schedule (linear warm-up, then 1/sqrt(step) decay)."""

import itertools

from autograder.toolkit import Call, expect_close, fail, number

RULE = "noam_lr(step, d_model, warmup, factor) = factor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5)"


def expected(step, d, warmup, factor=1.0):
    return factor * d ** -0.5 * min(step ** -0.5, step * warmup ** -1.5)


def check(tf, mistakes, step, d, warmup, factor=1.0, note=""):
    call = Call("noam_lr", step, d, warmup, factor=factor)
    got = number(call.run(tf), call)
    expect_close(got, expected(step, d, warmup, factor), call, rule=RULE, mistakes=mistakes, rel_tol=1e-9,
                 abs_tol=1e-15, notes=[note] if note else [])
    return got


def test_noam_paper_values(tf, mistakes):
    """Noam: factor * d^-0.5 * min(step^-0.5, step * warmup^-1.5) at d=512, warmup=4000, steps 1, 4000 and 8000"""
    for step, note in ((1, "warm-up: step * warmup^-1.5 is the smaller term"),
                       (4000, "the peak, where step^-0.5 == step * warmup^-1.5"),
                       (8000, "decay: step^-0.5 is the smaller term")):
        check(tf, mistakes, step, 512, 4000, note=note)


def test_noam_random_values(tf, mistakes, rng):
    """Noam: the same formula at random d_model, warmup, factor and steps before and after the warm-up"""
    d, warmup, factor = rng.choice([64, 128, 256]), rng.randint(50, 500), rng.choice([2.0, 0.5, 3.0])
    for step in sorted({1, warmup // 2, warmup - 1, warmup + 1, 3 * warmup, rng.randint(1, 5 * warmup)}):
        check(tf, mistakes, step, d, warmup, factor)


def test_noam_peak_at_warmup(tf, rng):
    """Noam: the learning rate grows until step == warmup and decreases after it"""
    d, warmup, factor = rng.choice([64, 128, 256]), rng.randint(50, 500), rng.choice([2.0, 0.5, 3.0])
    steps = sorted({1, warmup // 2, warmup - 1, warmup, warmup + 1, 3 * warmup, 5 * warmup})
    values = [number(tf.noam_lr(step, d, warmup, factor=factor), Call("noam_lr", step, d, warmup, factor=factor))
              for step in steps]
    best = steps[values.index(max(values))]
    peak = steps.index(warmup)
    rising = all(a < b for a, b in itertools.pairwise(values[:peak + 1]))
    falling = all(a > b for a, b in itertools.pairwise(values[peak:]))
    if best != warmup or not rising or not falling:
        raise fail("the learning rate grows linearly up to step == warmup (the peak) and decays as 1/sqrt(step) "
                   "after it", f"noam_lr(step, {d}, {warmup}, factor={factor}) for step in {steps}",
                   ", ".join(f"{s}: {v:.4g}" for s, v in zip(steps, values)),
                   f"values growing up to step {warmup} (the largest) and falling after it")
