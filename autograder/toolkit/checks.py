"""Checks that fail with evidence: the call, what came back, what was expected, the rule,
and (when the answer is a known mistake's) the diagnosis.

A check that fails raises :class:`CheckFailed`, an ``AssertionError`` carrying an
:class:`~autograder.results.Evidence`. The grading plugin stores the evidence with the
verdict and the renderers turn it into words, so graders never format feedback
themselves.
"""

from __future__ import annotations

import copy
import math
from typing import Any, Callable

from ..remote import StudentError
from ..results import Diagnosis, Evidence
from .mistakes import Mistakes
from .values import Call, _fail, describe, number

Normalize = Callable[[Any], Any]
Same = Callable[[Any, Any], bool]

REL_TOL = 1e-6
ABS_TOL = 1e-6


class CheckFailed(AssertionError):
    """A failed check; ``str()`` is the English text, ``evidence`` the data behind it."""

    def __init__(self, evidence: Evidence):
        from ..feedback.text import evidence_text

        super().__init__(evidence_text(evidence))
        self.evidence = evidence


def fail(rule: str, call: Call | str = "", observed: str = "", expected: str = "", *,
         notes: list[str] | tuple[str, ...] = (), diagnosis: Diagnosis | None = None,
         says: str = "returned") -> CheckFailed:
    """A failure to ``raise`` for checks the helpers below do not cover (a property of
    the answer rather than the answer itself); ``diagnosis`` may come from
    :meth:`Mistakes.recognise`; ``says`` is the verb between the call and what was
    observed ("has gradient", "called the layer with")."""
    trusted = list(call.trusted) if isinstance(call, Call) else []
    return CheckFailed(Evidence(rule=rule, call=str(call), observed=observed, expected=expected,
                                diagnosis=diagnosis, notes=list(notes), trusted=trusted, says=says))


def close(got: float, want: float, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    return math.isclose(got, want, rel_tol=rel_tol, abs_tol=abs_tol)


def _array(value: Any) -> bool:
    return type(value).__module__.split(".")[0] in ("torch", "numpy") and hasattr(value, "shape")


def equal(a: Any, b: Any) -> bool:
    """``a == b`` for any two answers, never raising: arrays are equal when both are
    arrays of one shape and equal values (an array is never equal to a number or a list),
    and a comparison that fails (a tensor inside a list) counts as unequal."""
    if _array(a) or _array(b):
        if not (_array(a) and _array(b)) or tuple(a.shape) != tuple(b.shape):
            return False
        import numpy

        try:
            return bool(numpy.array_equal(numpy.asarray(a), numpy.asarray(b)))
        except (TypeError, ValueError, RuntimeError):
            return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an answer whose == breaks is not the expected one
        return False


def expect_equal(got: Any, want: Any, call: Call, *, rule: str, mistakes: Mistakes | None = None,
                 normalize: Normalize = lambda value: value, same: Same | None = None,
                 notes: list[str] | tuple[str, ...] = (), show: Callable[[Any], str] = describe) -> None:
    """``got`` must equal ``want``; otherwise fail with evidence, and ask the known
    mistakes what they answer to ``call``.

    ``got`` is what the grader made of the student's answer (say ``counter(answer, call)``,
    a plain dict). A mistake's answer is raw (a ``Counter``), so ``normalize`` must make
    the same of it before ``same`` (``==`` by default) compares the two: pass the same
    conversion, e.g. ``normalize=dict``. The default leaves answers as they are."""
    same = same or equal
    if same(got, want):
        return
    diagnosis = mistakes.diagnose(call, got, normalize=normalize, same=same) if mistakes is not None else None
    raise CheckFailed(Evidence(rule=rule, call=str(call), observed=show(got), expected=show(want),
                               diagnosis=diagnosis, notes=list(notes), trusted=list(call.trusted)))


def expect_close(got: float, want: float, call: Call, *, rule: str, mistakes: Mistakes | None = None,
                 normalize: Normalize = float, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL,
                 notes: list[str] | tuple[str, ...] = ()) -> None:
    """A number within tolerance of the expected one (``math.isclose``)."""

    def same(a: Any, b: Any) -> bool:
        return isinstance(a, float) and isinstance(b, float) and close(a, b, rel_tol, abs_tol)

    expect_equal(number(got, call), float(want), call, rule=rule, mistakes=mistakes, normalize=normalize, same=same,
                 notes=notes)


def expect_numbers_close(got: list[float], want: list[float], call: Call, *, rule: str,
                         mistakes: Mistakes | None = None, normalize: Normalize = lambda v: v,
                         rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL,
                         notes: list[str] | tuple[str, ...] = ()) -> None:
    """A tuple of numbers, each within tolerance."""

    def same(a: Any, b: Any) -> bool:
        try:
            return len(a) == len(b) and all(close(float(x), float(y), rel_tol, abs_tol) for x, y in zip(a, b))
        except (TypeError, ValueError):
            return False

    try:
        got = tuple(got)
    except TypeError:
        raise _fail(call, got, f"{len(want)} numbers", "the function returns a sequence of numbers") from None
    expect_equal(got, tuple(want), call, rule=rule, mistakes=mistakes, same=same, notes=notes,
                 normalize=lambda value: tuple(normalize(value)))


def expect_tensor_close(got: Any, want: Any, call: Call, *, rule: str, mistakes: Mistakes | None = None,
                        rtol: float = 1e-4, atol: float = 1e-5, notes: list[str] | tuple[str, ...] = (),
                        normalize: Normalize = lambda value: value, equal_nan: bool = False) -> None:
    """A tensor of ``want``'s shape whose values match within tolerance
    (``torch.testing.assert_close``); the first differing element is named. ``normalize``
    takes a known mistake's answer to the compared part (say ``lambda out: out[0]``);
    ``equal_nan`` lets a NaN answer match a mistake that produces NaN."""
    import torch

    def same(a: Any, b: Any) -> bool:
        try:
            torch.testing.assert_close(torch.as_tensor(a).double(), torch.as_tensor(b).double(), rtol=rtol, atol=atol,
                                       equal_nan=equal_nan)
            return True
        except (AssertionError, TypeError, RuntimeError, ValueError):
            return False

    if same(got, want):
        return
    extra = list(notes)
    if isinstance(got, torch.Tensor) and got.shape == want.shape:
        where = first_difference(got, want, rtol, atol)
        if where is not None:
            index = tuple(where)
            extra.insert(0, f"the first difference is at index {list(index)}: {describe(got[index].item())} "
                            f"instead of {describe(want[index].item())}")
    diagnosis = mistakes.diagnose(call, got, normalize=normalize, same=same) if mistakes is not None else None
    raise CheckFailed(Evidence(rule=rule, call=str(call), observed=describe(got), expected=describe(want),
                               diagnosis=diagnosis, notes=extra, trusted=list(call.trusted)))


def first_difference(got: Any, want: Any, rtol: float = 1e-4, atol: float = 1e-5) -> Any:
    """The index of the first element outside tolerance, or None."""
    import torch

    bad = ~torch.isclose(got.double(), want.double(), rtol=rtol, atol=atol, equal_nan=False)
    found = bad.nonzero()
    return found[0].tolist() if len(found) else None


def expect_raises(error: type[BaseException], function: Callable[..., Any], call: Call, *, rule: str,
                  mistakes: Mistakes | None = None) -> None:
    """Calling ``function`` with ``call``'s arguments raises ``error`` (a student
    exception crosses as a subclass of the matching builtin). A known mistake that
    does not raise either names the diagnosis."""
    try:
        value = function(*call.args, **call.kwargs)
    except error:
        return
    except StudentError as other:  # another exception: say which, as evidence
        raise CheckFailed(Evidence(rule=rule, call=str(call), observed=f"raised {other.type_name or 'an error'}",
                                   expected=f"to raise {error.__name__}", notes=[other.message],
                                   trusted=list(call.trusted))) from None
    diagnosis = None
    if mistakes is not None:
        def returns_too(module: Any) -> bool:
            try:
                getattr(module, call.function)(*copy.deepcopy(call.args), **copy.deepcopy(call.kwargs))
            except error:
                return False
            return True

        diagnosis = mistakes.recognise(call.function, returns_too)
    raise CheckFailed(Evidence(rule=rule, call=str(call), observed=describe(value),
                               expected=f"to raise {error.__name__}", diagnosis=diagnosis,
                               trusted=list(call.trusted)))
