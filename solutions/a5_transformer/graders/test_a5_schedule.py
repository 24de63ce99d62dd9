"""Graders: the Noam learning-rate schedule (linear warm-up, then 1/sqrt(step) decay)."""


def expected(step, d, warmup, factor=1.0):
    return factor * d ** -0.5 * min(step ** -0.5, step * warmup ** -1.5)


def check(tf, util, step, d, warmup, factor=1.0, why=""):
    call = f"noam_lr({step}, {d}, {warmup}, factor={factor})"
    got = util.number(tf.noam_lr(step, d, warmup, factor=factor), call)
    want = expected(step, d, warmup, factor)
    assert abs(got - want) <= 1e-9 * max(1.0, abs(want)) + 1e-15, f"{call} returned {got:.6e}; expected {want:.6e}" + (
        f" ({why})" if why else "")


def test_noam_paper_values(tf, util):
    """Noam: d=512, warmup=4000 at steps 1, 4000 and 8000"""
    for step, why in ((1, "warm-up: lr grows linearly, step * warmup^-1.5 / sqrt(d)"),
                      (4000, "the peak, where step^-0.5 == step * warmup^-1.5"),
                      (8000, "decay: step^-0.5 / sqrt(d)")):
        check(tf, util, step, 512, 4000, why=why)


def test_noam_peak_at_warmup(tf, util, rng):
    """Noam: the largest learning rate is at step == warmup (random d, warmup, factor)"""
    d, warmup, factor = rng.choice([64, 128, 256]), rng.randint(50, 500), rng.choice([1.0, 2.0, 0.5])
    steps = sorted({1, warmup // 2, warmup - 1, warmup, warmup + 1, 3 * warmup, rng.randint(1, 5 * warmup)})
    values = []
    for step in steps:
        check(tf, util, step, d, warmup, factor, why="factor * d^-0.5 * min(step^-0.5, step * warmup^-1.5)")
        values.append(util.number(tf.noam_lr(step, d, warmup, factor=factor), "noam_lr"))
    best = steps[values.index(max(values))]
    assert best == warmup, f"noam_lr with warmup={warmup} peaks at step {best}; expected the peak at step {warmup}"
