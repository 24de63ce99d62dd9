"""Fixtures and helpers shared by the A2 (attention) graders.

The graders run in the trusted process and never import student code: ``student.module(
"attention")`` is a proxy whose calls run in the sandboxed child. Tensors cross as data
(copies, detached); a student's ``GeneralScore`` or ``AttnSeq2Seq`` stays in the child and
comes back as a handle: its methods can be called, ``obj.W.weight`` returns a copy, and
weights are set with ``obj.load_state_dict({...})``. A grader function passed to student
code (the ``step`` of ``unroll_decoder``) is called back here every time student code
calls it. Objects that are not data (a ``torch.Generator``) are created in the child with
``student.module("torch")``.

Work that needs the student's parameters and autograd (training, the gradient check)
runs in the child in the support module
``solutions/a2_attention/support/trainer.py``; whatever it returns is a claim, so the
verdicts come from data checked here: above all the model's translations of held-out
dates generated here from the secret-seeded ``rng`` and sent only after training.

Only assert messages reach students (assertion rewriting is off): every check builds a
message naming the concept, a small input, what came back and what was expected.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import pytest
import torch

PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3
SUPPORT_SOURCE = Path(__file__).resolve().parents[1] / "support" / "trainer.py"
ATOL, RTOL = 1e-5, 1e-4


@pytest.fixture
def att(student):
    return student.module("attention")


@pytest.fixture
def util():
    return Util


@functools.lru_cache(maxsize=1)
def _support_source() -> str:
    return SUPPORT_SOURCE.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _dates_generator():
    from autograder.datasets import DATASETS_DIR

    path = DATASETS_DIR / "dates" / "generate.py"
    spec = importlib.util.spec_from_file_location("_a2_dates_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Util:
    """Namespace of grader helpers (a fixture, so it works under any pytest import mode)."""

    atol, rtol = ATOL, RTOL

    # ---- showing values ------------------------------------------------------------------
    @staticmethod
    def show(value, digits=4, limit=300):
        """A tensor as a short nested list with rounded numbers (for messages)."""
        if isinstance(value, torch.Tensor):
            if value.dtype == torch.bool:
                text = str([[bool(x) for x in row] for row in value.tolist()]) if value.dim() == 2 else str(value.tolist())
            elif value.is_floating_point():
                text = str(_rounded(value.double().tolist(), digits))
            else:
                text = str(value.tolist())
        else:
            text = repr(value)
        return text if len(text) <= limit else text[:limit] + "..."

    @staticmethod
    def kind(value):
        if isinstance(value, torch.Tensor):
            return f"a tensor of shape {tuple(value.shape)} ({value.dtype})"
        if type(value).__module__ == "numpy":
            return f"a numpy array of shape {getattr(value, 'shape', '?')}"
        return f"{type(value).__name__} {Util.show(value, limit=80)}"

    # ---- checking what came back --------------------------------------------------------
    @staticmethod
    def tensor(value, call, shape=None, floating=True, allow_nan=False):
        """The student's result as a tensor of the expected shape, or a failed check."""
        if type(value).__module__ == "numpy":
            value = torch.from_numpy(value)
        if not isinstance(value, torch.Tensor):
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a torch tensor"
                                 + (f" of shape {tuple(shape)}" if shape is not None else "")
                                 + " (did the function fall through without a return?)")
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise AssertionError(f"{call} returned a tensor of shape {tuple(value.shape)}; expected shape {tuple(shape)}")
        if floating:
            if not value.is_floating_point():
                raise AssertionError(f"{call} returned a tensor of dtype {value.dtype}; expected floating-point values")
            if not allow_nan and torch.isnan(value).any():
                raise AssertionError(f"{call} returned NaN values: {Util.show(value)} (a softmax over a row "
                                     f"that is all -inf? a division by zero?)")
        return value

    @staticmethod
    def pair(value, call, names=("context", "weights")):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a tuple ({names[0]}, {names[1]})")
        return value[0], value[1]

    @staticmethod
    def close(got, want):
        return got.shape == want.shape and torch.allclose(got.double(), want.double(), atol=ATOL, rtol=RTOL)

    @staticmethod
    def first_difference(got, want):
        """'at [1, 2]: 0.3 instead of 0.5' for the first entry that differs."""
        diff = ~torch.isclose(got.double(), want.double(), atol=ATOL, rtol=RTOL)
        where = diff.nonzero()
        if not len(where):
            return ""
        index = tuple(int(i) for i in where[0])
        return f"at {list(index)}: {float(got[index]):.6g} instead of {float(want[index]):.6g}"

    # ---- inputs --------------------------------------------------------------------------
    @staticmethod
    def randn(rng, *shape, scale=1.0):
        """A float32 tensor of normal values drawn from the secret-seeded rng."""
        count = math.prod(shape)
        return (torch.tensor([rng.gauss(0.0, 1.0) for _ in range(count)], dtype=torch.float32) * scale).reshape(shape)

    @staticmethod
    def prefix_mask(lengths, width):
        """[B, width] bool, True on the first lengths[b] positions of row b (right padding)."""
        return torch.arange(width).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)

    @staticmethod
    def padded_batch(rng, lengths, vocab):
        """Random source ids [B, S] (ids >= 4) right-padded with 0, and their mask."""
        width = max(lengths)
        mask = Util.prefix_mask(lengths, width)
        src = torch.tensor([[rng.randrange(4, vocab) for _ in range(width)] for _ in lengths])
        return src.masked_fill(~mask, PAD_ID), mask

    @staticmethod
    def targets(rng, batch, length, vocab):
        """tgt [B, length]: <sos>, ids >= 4, <eos> at the end."""
        body = [[rng.randrange(4, vocab) for _ in range(length - 2)] for _ in range(batch)]
        return torch.tensor([[SOS_ID] + row + [EOS_ID] for row in body])

    # ---- the child's side ----------------------------------------------------------------
    @staticmethod
    def trainer(student):
        """The support module (training loop, decoding, gradient report) in the child."""
        return student.support_module("a2_trainer", _support_source())

    @staticmethod
    def load_weights(module, weights, call):
        """Set a student module's parameters with load_state_dict (strict: exactly these names)."""
        try:
            module.load_state_dict(weights)
        except (RuntimeError, KeyError) as exc:
            names = ", ".join(f"{k} {tuple(v.shape)}" for k, v in weights.items())
            raise AssertionError(
                f"{call}.load_state_dict({{{names}}}) failed: the contract's parameters (and only "
                f"those) must exist with these names and shapes. Details: {str(exc)[:600]}") from None

    @staticmethod
    def dates():
        """datasets/dates/generate.py, imported in the trusted process."""
        return _dates_generator()


def _rounded(value, digits):
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return round(value, digits)
