"""Graders: ``distillation_loss`` (Hinton's distillation, as DistilBERT trains with it),
against the loss and its gradient computed here by hand in float64.

The logits are multiples of 0.25 (exact in float32, so a call shown to the student is the
call that ran), of shape [N, V] or [B, T, V]; labels are class ids with some -100.

The values test and the gradient test check the whole formula on random shapes,
temperatures and alphas. Each other test isolates one rule, on inputs where the other
rules cannot show, so that one mistake fails only a few checks:

- T = 1 hides where the temperature goes (softening, T**2, the softened cross-entropy);
- alpha = 0.5 hides which term alpha weights;
- a student whose logits are the teacher's with the vocabulary reversed (the same
  distribution, classes permuted by an involution) gives KL(p || q) = KL(q || p): the
  direction of the KL cannot show;
- a student equal to the teacher makes the correct soft term 0.

No known mistake shows on the agreeing-teacher case (T = 1, alpha = 0.5, student equal to the
teacher, no -100, [N, V]): it is the ordinary case that the checks a do-nothing function
would pass (a soft term of 0, a 0-d tensor, arguments unchanged) require in the rubric, so
that a mistake elsewhere does not also cost those.

The gradient with respect to the student logits is taken in the student's process by
``support/a7_losses_probe.py`` (autograd cannot cross the process boundary); the verdict
compares the gradient it returns with the one computed here, and the same file runs here
on the known mistakes to recognise one.

The T**2 test also records, for the report's picture, the student's loss with alpha = 1 on
one fixed batch at temperatures from 0.5 to 16 beside the correct T**2 * KL and the KL
alone (``distillation_temperature``): calls made after its checks, whose outcome never
changes the verdict.
"""

from __future__ import annotations

import functools
import math
import types
from pathlib import Path

import torch

from autograder.remote import StudentCrash, StudentError, StudentTimeout
from autograder.toolkit.pictures import drawn_after
from autograder.toolkit import Call, describe, expect_close, expect_equal, expect_unchanged, fail, number

FUNCTION = "distillation_loss"
SUPPORT = Path(__file__).resolve().parents[1] / "support" / "a7_losses_probe.py"
RTOL, ATOL = 1e-3, 1e-5
"""Tolerances of a loss: the student computes in float32, the oracle in float64."""
GRAD_RTOL, GRAD_ATOL = 1e-3, 1e-6
TEMPERATURES = (0.5, 0.75, 1.5, 2.0, 2.5, 3.0, 4.0)
ALPHAS = (0.1, 0.2, 0.25, 0.3, 0.7, 0.75, 0.8, 0.9)
"""Away from 0.5, where alpha and 1 - alpha are equal."""

FORMULA = ("alpha * T**2 * (mean over ALL N rows of KL(softmax(teacher / T) || softmax(student / T)), summed over "
           "the V classes) + (1 - alpha) * cross_entropy(student_logits, labels, ignore_index=-100), the logits "
           "flattened to [N, V] and the labels to [N]")
RULE_HARD = ("with alpha = 0 the loss is the plain cross-entropy of the UNSOFTENED student logits, "
             "F.cross_entropy(student_logits as [N, V], labels as [N]): the temperature softens only the soft term")
RULE_DIRECTION = ("the soft term is KL(p || q) = sum over V of p * (log p - log q), the teacher's p = softmax(teacher "
                  "/ T) being the target and the student's q = softmax(student / T) the prediction; with alpha = 1 "
                  "and T = 1 the loss is the mean over the rows of that KL")
RULE_SOFTENED = ("both distributions are softened by the same T: when student_logits equal teacher_logits, "
                 "softmax(teacher / T) = softmax(student / T), so with alpha = 1 the loss is 0 at every temperature")
RULE_T_SQUARED = ("the soft term is T**2 times the KL: with a large T both softened distributions come close to "
                  "uniform and the KL shrinks like 1/T**2; T**2 keeps the soft term (and its gradients) the same "
                  "size at every temperature")
RULE_ALL_ROWS = ("the KL is summed over the V classes and averaged over ALL N rows, the rows labelled -100 too (the "
                 "teacher has a distribution for every position); only the cross-entropy skips the rows labelled "
                 "-100")
RULE_IGNORE = ("the cross-entropy leaves out the rows labelled -100 and is the mean over the other rows "
               "(F.cross_entropy(..., ignore_index=-100))")
RULE_ALPHA = ("alpha weights the soft term and 1 - alpha the cross-entropy; with a teacher equal to the student the "
              "soft term is 0, so the loss is (1 - alpha) * cross-entropy")
RULE_GRADIENT = ("the loss is built from torch operations on student_logits, and its gradient with respect to them is "
                 "alpha * T * (softmax(student / T) - softmax(teacher / T)) / N + (1 - alpha) * (softmax(student) - "
                 "one_hot(label)) / (the number of rows not labelled -100), the second part 0 on rows labelled -100")
RULE_AGREEING = ("when student_logits equal teacher_logits the two softened distributions are equal and the KL is 0: "
                 "the loss is (1 - alpha) * F.cross_entropy(student_logits as [N, V], labels as [N])")
RULE_SCALAR = "distillation_loss returns the loss as a 0-d floating-point tensor (so that loss.backward() works)"
RULE_UNCHANGED = ("distillation_loss leaves the tensors it is given as they were (dividing student_logits or "
                  "teacher_logits by T in place, or writing into labels, changes the caller's tensors)")


# ---- the oracle: float64, by hand ---------------------------------------------------------------

def log_softmax(x):
    """log softmax over the last axis, in float64, with the largest entry subtracted first."""
    x = x.double()
    shifted = x - x.max(dim=-1, keepdim=True).values
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()


def rows(student, teacher, labels):
    vocab = student.shape[-1]
    return student.double().reshape(-1, vocab), teacher.double().reshape(-1, vocab), labels.reshape(-1)


def expected(student, teacher, labels, temperature, alpha):
    """(the loss, its soft term T**2 * mean KL, its hard term: the cross-entropy)."""
    s, t, y = rows(student, teacher, labels)
    log_q, log_p = log_softmax(s / temperature), log_softmax(t / temperature)
    kl = (log_p.exp() * (log_p - log_q)).sum(dim=-1)           # one KL per row, summed over V
    soft = temperature ** 2 * float(kl.mean())                    # averaged over all N rows
    keep = [i for i, label in enumerate(y.tolist()) if label != -100]
    log_hard = log_softmax(s)
    hard = -sum(float(log_hard[i, int(y[i])]) for i in keep) / len(keep)
    return alpha * soft + (1 - alpha) * hard, soft, hard


def expected_gradient(student, teacher, labels, temperature, alpha):
    """d loss / d student_logits, in float64, of the student logits' shape."""
    s, t, y = rows(student, teacher, labels)
    n = s.shape[0]
    q, p = log_softmax(s / temperature).exp(), log_softmax(t / temperature).exp()
    soft = temperature * (q - p) / n                  # d (T**2 * mean KL) / d s
    hard = log_softmax(s).exp()
    keep = y != -100
    hard[keep, y[keep]] -= 1.0
    hard[~keep] = 0.0
    hard = hard / int(keep.sum())
    return (alpha * soft + (1 - alpha) * hard).reshape(student.shape)


# ---- inputs and calls -----------------------------------------------------------------------------

def generator(rng):
    return torch.Generator().manual_seed(rng.randrange(2**31))


def quarters(gen, shape, low=-12, high=12):
    """Logits that are multiples of 0.25 in [low / 4, high / 4] (exact in float32)."""
    return torch.randint(low, high + 1, shape, generator=gen).float() / 4


def confident(gen, shape):
    """A confident teacher: each row has one logit 12 to 16 above the others (in [-1, 1])."""
    logits = quarters(gen, shape, -4, 4)
    vocab = shape[-1]
    flat = logits.reshape(-1, vocab)
    top = torch.randint(0, vocab, (flat.shape[0],), generator=gen)
    top[top == vocab - 1 - top] = 0  # never the middle class: the reversed row puts its peak elsewhere
    flat[torch.arange(flat.shape[0]), top] += torch.randint(48, 65, (flat.shape[0],), generator=gen).float() / 4
    return flat.reshape(shape)


def class_labels(rng, gen, shape, vocab, ignored=0.0):
    """Class ids of ``shape``; about a share ``ignored`` of them -100 (at least one when
    ignored > 0), never all."""
    labels = torch.randint(0, vocab, shape, generator=gen)
    if ignored > 0:
        flat = labels.reshape(-1)
        drop = torch.rand(flat.shape, generator=gen) < ignored
        positions = list(range(flat.numel()))
        rng.shuffle(positions)
        drop[positions[0]], drop[positions[1]] = True, False
        flat[drop] = -100
    return labels


def text(tensor) -> str:
    return f"torch.tensor({tensor.tolist()!r})"


def loss_call(student, teacher, labels, temperature, alpha) -> Call:
    return Call(FUNCTION, student, teacher, labels, temperature, alpha).shown_as(
        f"{FUNCTION}({text(student)}, {text(teacher)}, {text(labels)}, {temperature!r}, {alpha!r})")


def parts_note(student, teacher, labels, temperature, alpha) -> str:
    _, soft, hard = expected(student, teacher, labels, temperature, alpha)
    n = labels.numel()
    kept = int((labels != -100).sum())
    over = f"the {kept} rows" if kept > 1 else "the one row"
    return (f"here T**2 * mean KL = {soft:.6g} (over all {n} rows) and the cross-entropy = {hard:.6g} (over {over} "
            f"not labelled -100), so the loss is {alpha!r} * {soft:.6g} + {1 - alpha:.6g} * {hard:.6g}")


def check(efficient, mistakes, student, teacher, labels, temperature, alpha, rule, notes=()):
    call = loss_call(student, teacher, labels, temperature, alpha)
    got = number(call.run(efficient), call)
    want, _, _ = expected(student, teacher, labels, temperature, alpha)
    notes = list(notes) + [parts_note(student, teacher, labels, temperature, alpha)]
    expect_close(got, want, call, rule=rule, mistakes=mistakes, rel_tol=RTOL, abs_tol=ATOL, notes=notes)


def reversed_vocabulary(teacher):
    """The teacher's logits with the classes in reverse order: the same distribution, permuted
    by an involution, so KL(teacher || student) = KL(student || teacher)."""
    return teacher.flip(-1).contiguous()


# ---- the gradient, taken next to the student's code -----------------------------------------------

@functools.lru_cache(maxsize=1)
def support_source() -> str:
    return SUPPORT.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def probe_here():
    """The support module, run here on the known mistakes."""
    module = types.ModuleType("a7_losses_probe")
    exec(compile(support_source(), str(SUPPORT), "exec"), module.__dict__)
    return module


def close_gradients(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.double(), b.double(), rtol=GRAD_RTOL, atol=GRAD_ATOL)))


def check_gradient(student, efficient, mistakes, s, t, y, temperature, alpha):
    call = loss_call(s, t, y, temperature, alpha)
    call.shown_as(f"the gradient of {call} with respect to student_logits (loss.backward())")
    report = student.support_module("a7_losses_probe", support_source()).distillation_gradient(
        efficient, s, t, y, temperature, alpha)
    if not isinstance(report, dict) or "gradient" not in report:
        raise fail(RULE_GRADIENT, call, observed=describe(report), expected="a gradient")
    got, want = report["gradient"], expected_gradient(s, t, y, temperature, alpha)
    if got is None:
        raise fail(RULE_GRADIENT, call, observed=f"no gradient: {report.get('problem', '')}",
                   expected=f"a gradient of shape {list(s.shape)}")
    if close_gradients(got, want):
        return

    def behaves_like(module):
        theirs = probe_here().distillation_gradient(module, s, t, y, temperature, alpha)["gradient"]
        return close_gradients(theirs, got)

    notes = []
    if isinstance(got, torch.Tensor) and got.shape == want.shape:
        bad = (~torch.isclose(got.double(), want, rtol=GRAD_RTOL, atol=GRAD_ATOL)).nonzero()
        if len(bad):
            index = tuple(bad[0].tolist())
            notes.append(f"the first difference is at index {list(index)}: {float(got[index]):.6g} instead of "
                         f"{float(want[index]):.6g}")
    raise fail(RULE_GRADIENT, call, observed=describe(got), expected=describe(want.float()), notes=notes,
               diagnosis=mistakes.recognise(FUNCTION, behaves_like))


# ---- tests: the whole formula ---------------------------------------------------------------------

def test_distillation_values(student, mistakes, rng):
    """Distillation: alpha T^2 mean-KL(teacher || student) + (1 - alpha) CE, on random shapes, T and alpha"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((2, 3), (2, 3, 4), (5, 6), (3, 4, 7)):
        s, t = quarters(gen, shape), quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1], ignored=0.3)
        check(efficient, mistakes, s, t, y, rng.choice(TEMPERATURES), rng.choice(ALPHAS), FORMULA)


def test_distillation_gradient(student, mistakes, rng):
    """Distillation: the gradient with respect to the student logits matches the formula's"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((4, 5), (2, 3, 6)):
        s, t = quarters(gen, shape), quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1], ignored=0.3)
        check_gradient(student, efficient, mistakes, s, t, y, rng.choice(TEMPERATURES), rng.choice(ALPHAS))


EQUAL_LOGITS = "student_logits equal teacher_logits here, so the soft term is 0 and the loss is 0.5 * cross-entropy"


# ---- tests: one rule each ---------------------------------------------------------------------------

def test_distillation_agreeing_teacher(student, mistakes, rng):
    """Distillation: a teacher equal to the student leaves (1 - alpha) times the cross-entropy"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((3, 5), (4, 6)):
        t = quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1])
        check(efficient, mistakes, t.clone(), t, y, 1.0, 0.5, RULE_AGREEING, notes=[EQUAL_LOGITS])


def test_distillation_hard_term(student, mistakes, rng):
    """Distillation: with alpha = 0 the loss is the cross-entropy of the unsoftened student logits"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((3, 5), (2, 4, 6)):
        s, t = quarters(gen, shape), quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1])
        check(efficient, mistakes, s, t, y, rng.choice(TEMPERATURES), 0.0, RULE_HARD)


def test_distillation_kl_direction(student, mistakes, rng):
    """Distillation: the soft term is KL(teacher || student), the teacher's distribution the target"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((3, 5), (4, 6)):
        t = confident(gen, shape)                  # a peaked teacher and a flatter student:
        s = quarters(gen, shape, -6, 6)           # KL(p || q) and KL(q || p) differ a lot
        y = class_labels(rng, gen, shape[:-1], shape[-1])
        check(efficient, mistakes, s, t, y, 1.0, 1.0, RULE_DIRECTION)


def test_distillation_both_softened(student, mistakes, rng):
    """Distillation: student and teacher are both softened by T (equal logits give a soft term of 0)"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape, temperature in (((3, 5), rng.choice((0.5, 0.75))), ((2, 3, 6), rng.choice((2.0, 3.0, 4.0)))):
        t = quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1])
        check(efficient, mistakes, t.clone(), t, y, temperature, 1.0, RULE_SOFTENED)


def test_distillation_temperature_squared(student, mistakes, rng, record):
    """Distillation: the soft term is multiplied by T^2 (a large T and a confident teacher)"""
    efficient = student.module("efficient")
    gen = generator(rng)
    with drawn_after(lambda: record("distillation_temperature", _temperature_picture(efficient))):
        for shape, temperature in (((4, 6), rng.choice((6.0, 8.0))), ((6, 5), rng.choice((10.0, 12.0)))):
            t = confident(gen, shape)
            s = reversed_vocabulary(t)
            y = t.argmax(dim=-1)
            note = (f"at T = {temperature!r} the KL itself is small (about 1/T**2 of its size at T = 1): only T**2 * "
                    "KL keeps the soft term the size of the hard one")
            check(efficient, mistakes, s, t, y, temperature, 0.5, RULE_T_SQUARED, notes=[note])


def test_distillation_kl_all_rows(student, mistakes, rng):
    """Distillation: the KL is averaged over all rows, those labelled -100 too"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((6, 5), (2, 4, 6)):
        t = quarters(gen, shape)
        s = reversed_vocabulary(t)
        y = class_labels(rng, gen, shape[:-1], shape[-1], ignored=0.5)
        check(efficient, mistakes, s, t, y, 1.0, 0.5, RULE_ALL_ROWS)


def test_distillation_ignore_index(student, mistakes, rng):
    """Distillation: labels -100 are left out of the cross-entropy, the mean is over the others"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((6, 5), (3, 4, 6)):
        t = quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1], ignored=0.4)
        check(efficient, mistakes, t.clone(), t, y, 1.0, 0.5, RULE_IGNORE, notes=[EQUAL_LOGITS])


def test_distillation_alpha(student, mistakes, rng):
    """Distillation: 1 - alpha weights the cross-entropy (alpha the soft term)"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in ((4, 5), (2, 3, 6)):
        t = quarters(gen, shape)
        y = class_labels(rng, gen, shape[:-1], shape[-1])
        check(efficient, mistakes, t.clone(), t, y, 1.0, rng.choice(ALPHAS), RULE_ALPHA)


def test_distillation_scalar_tensor(student, mistakes, rng):
    """Distillation: the loss is a 0-d floating-point tensor"""
    efficient = student.module("efficient")
    gen = generator(rng)
    shape = (2, 3, 5)
    s, t = quarters(gen, shape), quarters(gen, shape)
    call = loss_call(s, t, class_labels(rng, gen, shape[:-1], 5, ignored=0.3), 2.0, 0.5)

    def kind(value):
        if not isinstance(value, torch.Tensor):
            return f"a {type(value).__name__}, not a tensor"
        if value.dim() != 0:
            return f"a tensor of shape {list(value.shape)}"
        if not value.is_floating_point():
            return f"a 0-d tensor of dtype {str(value.dtype).replace('torch.', '')}"
        return "a 0-d floating-point tensor"

    expect_equal(kind(call.run(efficient)), "a 0-d floating-point tensor", call, rule=RULE_SCALAR,
                 mistakes=mistakes, normalize=kind, show=str)


def test_distillation_arguments_unchanged(student, mistakes, rng):
    """Distillation: student_logits, teacher_logits and labels are left as they were"""
    efficient = student.module("efficient")
    gen = generator(rng)
    shape = (2, 3, 5)
    s, t = quarters(gen, shape), quarters(gen, shape)
    call = loss_call(s, t, class_labels(rng, gen, shape[:-1], 5, ignored=0.3), 2.5, 0.3)
    expect_unchanged(student, efficient, call, rule=RULE_UNCHANGED, mistakes=mistakes)


# ---- the report's picture: the loss against the temperature ------------------------------------

PICTURE_TEMPERATURES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
PICTURE_STUDENT = torch.tensor([[1.0, 2.0, 0.0, 0.0, -1.0], [0.5, 0.5, 1.0, 0.0, -0.5], [0.0, 1.0, 0.0, 1.0, 0.0]])
PICTURE_TEACHER = torch.tensor([[3.0, 1.0, 0.0, -1.0, -2.0], [0.0, 2.5, 0.5, -1.0, 0.0], [-1.0, 0.0, 0.0, 3.0, 1.0]])
PICTURE_LABELS = torch.tensor([0, 1, 3])
"""One fixed batch: a peaked teacher and a student that disagrees with it."""


def _student_loss(efficient, temperature):
    """The student's loss with alpha = 1 on the picture's batch, or None when it is not a number."""
    try:
        value = efficient.distillation_loss(PICTURE_STUDENT, PICTURE_TEACHER, PICTURE_LABELS, temperature, 1.0)
    except (StudentCrash, StudentTimeout):
        raise
    except StudentError:
        return None
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.is_floating_point():
        value = float(value.reshape(()))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return round(float(value), 6)


def _temperature_picture(efficient):
    """The ``distillation_temperature`` record: the student's loss with alpha = 1 at each
    temperature, the correct soft term T**2 * mean KL, and the mean KL alone."""
    correct = [expected(PICTURE_STUDENT, PICTURE_TEACHER, PICTURE_LABELS, t, 1.0)[1] for t in PICTURE_TEMPERATURES]
    return {"alpha": 1.0, "temperatures": list(PICTURE_TEMPERATURES),
            "yours": [_student_loss(efficient, t) for t in PICTURE_TEMPERATURES],
            "correct": [round(c, 6) for c in correct],
            "kl_only": [round(c / t ** 2, 6) for c, t in zip(correct, PICTURE_TEMPERATURES)]}
