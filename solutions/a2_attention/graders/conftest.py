"""Fixtures, case generators and oracles of the A2 (attention) graders.

The graders run in the trusted process and never import student code: ``student.module(
"attention")`` is a proxy whose calls run in the sandboxed child. Tensors cross as data
(copies, detached); a student's ``GeneralScore`` or ``AttnSeq2Seq`` stays in the child and
comes back as a handle: its methods can be called, ``obj.W.weight`` returns a copy, and
weights are set with ``obj.load_state_dict({...})``. A grader function passed to student
code (the ``step`` of ``unroll_decoder``) is called back here every time student code
calls it. Every check goes through the graders' toolkit (``autograder.toolkit``).

Two kinds of calls are more than one function call, so they get a :class:`Use`: a class
built with some arguments and then used (``GeneralScore(2, 3)``, weights loaded, called on
a query and keys; ``AttnSeq2Seq(...)`` with seeded weights, then ``encode`` and
``decode_step``). The student's object is built and used in the child; to name a known
mistake, each mutant's object is built and used the same way here
(``normalize=call.answer_of(...)``).

One mistake, one charge:

* ``GeneralScore`` may call ``dot_score``: its checks run with a correct ``dot_score``
  (the toolkit's ``trusted``, a callback into this process);
* the model's checks grade the model: they run with the stand-ins of
  ``support/stand_ins.py`` in place of the student's scores, ``attend`` and
  ``unroll_decoder`` (:func:`stand_ins`). Those must run next to the model, in the child
  (autograd cannot cross the process boundary), and they are plain torch written for the
  graders, not the reference.

Work that needs the student's parameters and autograd (training, the gradient check) runs
in the child in ``support/trainer.py``; whatever it returns is a claim, so the verdicts come
from data checked here: above all the model's translations of held-out dates generated
here from the secret-seeded ``rng`` and sent only after training.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import math
import sys
import types
from pathlib import Path

import pytest
import torch

from autograder.remote import StudentError
from autograder.toolkit import Call, describe, expect_tensor_close, fail

PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3
SUPPORT = Path(__file__).resolve().parents[1] / "support"
ATOL, RTOL = 1e-5, 1e-4
STAND_INS = ("dot_score", "GeneralScore", "ConcatScore", "attend", "unroll_decoder")


# ---- fixtures ------------------------------------------------------------------------------

@pytest.fixture
def att(student):
    return student.module("attention")


@pytest.fixture
def a2():
    """This module, as a namespace (graders are imported with ``--import-mode=importlib``,
    so they cannot ``import conftest``)."""
    return sys.modules[__name__]


@pytest.fixture
def kit(student):
    """The support modules in the child: ``kit.stand_ins`` and ``kit.trainer``."""
    return types.SimpleNamespace(stand_ins=student.support_module("a2_stand_ins", _source("stand_ins.py")),
                                 trainer=student.support_module("a2_trainer", _source("trainer.py")))


@pytest.fixture
def local():
    """The same support modules run here, for the known mistakes' models."""
    return _local_kit()


@functools.lru_cache(maxsize=None)
def _source(name: str) -> str:
    return (SUPPORT / name).read_text(encoding="utf-8")


def _exec(name: str) -> types.ModuleType:
    module = types.ModuleType(f"a2_local_{Path(name).stem}")
    exec(compile(_source(name), f"<a2 support {name}>", "exec"), module.__dict__)
    return module


@functools.lru_cache(maxsize=1)
def _local_kit() -> types.SimpleNamespace:
    return types.SimpleNamespace(stand_ins=_exec("stand_ins.py"), trainer=_exec("trainer.py"))


@functools.lru_cache(maxsize=1)
def dates_generator():
    """datasets/dates/generate.py, imported in the trusted process."""
    from autograder.datasets import DATASETS_DIR

    spec = importlib.util.spec_from_file_location("_a2_dates_generate", DATASETS_DIR / "dates" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- trusted stand-ins next to the model ------------------------------------------------------

@contextlib.contextmanager
def stand_ins(student, att, kit, mistakes):
    """Inside the block the student's scores, ``attend`` and ``unroll_decoder`` are the
    stand-ins of ``support/stand_ins.py`` (in the child), recorded like the toolkit's
    ``trusted`` so that feedback says so. Where the solutions are not at hand nothing is
    replaced (as the toolkit does)."""
    if not mistakes.available:
        yield
        return
    originals = {}
    for name in STAND_INS:
        try:
            originals[name] = getattr(att, name)
        except StudentError:  # no such name: the student's model cannot be using it
            pass
        setattr(att, name, getattr(kit.stand_ins, name))
    before = tuple(student.trusted_now)
    student.trusted_now = tuple(dict.fromkeys(before + STAND_INS))
    student.trusted_used.update(STAND_INS)
    try:
        yield
    finally:
        student.trusted_now = before
        for name, original in originals.items():
            try:
                setattr(att, name, original)
            except StudentError:  # the process was replaced: a fresh one has the student's own
                pass


def _namespace_of(obj) -> dict:
    """The module namespace a (local, instructor) object's methods look names up in."""
    for klass in type(obj).__mro__:
        for member in vars(klass).values():
            function = getattr(member, "__func__", member)
            if isinstance(function, types.FunctionType) and "attend" in function.__globals__:
                return function.__globals__
    return {}


@contextlib.contextmanager
def patched(obj, names, replacements):
    """Here, for a known mistake's object: ``names`` of its module are ``replacements``'."""
    namespace = _namespace_of(obj)
    saved = {name: namespace[name] for name in names if name in namespace}
    namespace.update({name: getattr(replacements, name) for name in saved})
    try:
        yield
    finally:
        namespace.update(saved)


# ---- calls that build an object, then use it ----------------------------------------------------

class Use(Call):
    """``cls(*args, **kwargs)``, then ``use(obj, kit)``: the value the check compares.

    ``then`` says in words what is done with the object (it follows the constructor in the
    call line the student reads). ``run`` builds and uses the student's object in the child
    with the child's ``kit``; ``answer_of(kit, replacements)`` is the ``normalize`` that
    uses a known mistake's object here, with the names this call ran with trusted
    taken from ``replacements`` (the same stand-ins, run here)."""

    def __init__(self, cls: str, *args, then: str, use, **kwargs):
        super().__init__(cls, *args, **kwargs)
        self.then = then
        self.use = use

    def __str__(self) -> str:
        return super().__str__() + self.then

    __repr__ = __str__

    def run(self, module, kit=None):
        return self.use(super().run(module), kit)

    def answer_of(self, kit, replacements):
        def normalize(obj):
            with patched(obj, self.trusted, replacements):
                return self.use(obj, kit)

        return normalize


def load_weights(obj, weights: dict, call: Call):
    """``obj.load_state_dict(weights)`` (strict); a failure names the contract's parameters."""
    try:
        obj.load_state_dict(weights)
    except (RuntimeError, KeyError, AttributeError) as exc:
        names = ", ".join(f"{k} {list(v.shape)}" for k, v in weights.items())
        raise fail(f"the contract's parameters, and only those, exist with these names and shapes: {names}",
                   call, f"load_state_dict failed: {str(exc)[:400]}", "the weights to load") from None
    return obj


# ---- tensors -----------------------------------------------------------------------------------

def same_tensor(a, b) -> bool:
    try:
        torch.testing.assert_close(torch.as_tensor(a).double(), torch.as_tensor(b).double(), rtol=RTOL, atol=ATOL,
                                   equal_nan=True)
        return True
    except (AssertionError, TypeError, RuntimeError, ValueError):
        return False


def expect_tensor(got, want, call, *, rule, mistakes, normalize=lambda value: value, notes=()):
    """The toolkit's ``expect_tensor_close`` at these graders' tolerances; a known mistake
    whose answer (through ``normalize``: the part of a tuple, the scores of a built object)
    is NaN where the student's is can be named."""
    expect_tensor_close(got, want, call, rule=rule, mistakes=mistakes, normalize=normalize, notes=notes,
                        rtol=RTOL, atol=ATOL, equal_nan=True)


def shape_of(value):
    """A tensor's shape as a list, anything else as what it is (for shape checks)."""
    return list(value.shape) if isinstance(value, torch.Tensor) else describe(value)


def randn(rng, *shape, scale=1.0):
    """A float32 tensor of normal values drawn from the secret-seeded rng."""
    count = math.prod(shape)
    return (torch.tensor([rng.gauss(0.0, 1.0) for _ in range(count)], dtype=torch.float32) * scale).reshape(shape)


def prefix_mask(lengths, width):
    """[B, width] bool, True on the first lengths[b] positions of row b (right padding)."""
    return torch.arange(width).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)


def padded_batch(rng, lengths, vocab):
    """Random source ids [B, S] (ids >= 4) right-padded with 0, and their mask."""
    width = max(lengths)
    mask = prefix_mask(lengths, width)
    src = torch.tensor([[rng.randrange(4, vocab) for _ in range(width)] for _ in lengths])
    return src.masked_fill(~mask, PAD_ID), mask


def targets(rng, batch, length, vocab):
    """tgt [B, length]: <sos>, ids >= 4, <eos> at the end."""
    body = [[rng.randrange(4, vocab) for _ in range(length - 2)] for _ in range(batch)]
    return torch.tensor([[SOS_ID] + row + [EOS_ID] for row in body])
