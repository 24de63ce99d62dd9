"""Calls and values as a student reads them: a call they can paste, a value in a line.

Everything a grader shows goes through here, so every assignment describes a float, a
Counter or a tensor the same way.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Sequence

from ..remote import RemoteObject, StudentError
from ..results import Evidence

LIMIT = 300
"""Characters a described value may take; longer ones are cut with '...'."""
DIGITS = 6


def describe(value: Any, limit: int = LIMIT) -> str:
    """A value in one line: floats to six decimals, tensors and arrays by dtype, shape and
    leading values, everything else by ``repr`` (cut at ``limit`` characters)."""
    kind = type(value).__module__.split(".")[0]
    if kind in ("torch", "numpy") and hasattr(value, "shape"):
        return _describe_array(value, limit)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, tuple) and value and all(isinstance(v, float) for v in value):
        return "(" + ", ".join(_float(v) for v in value) + ")"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _float(value: float) -> str:
    """Six decimals (BLEU-sized numbers), or six significant digits for tiny ones."""
    if math.isnan(value) or math.isinf(value) or (value == int(value) and abs(value) < 1e15):
        return repr(value)
    if abs(value) < 1e-3:
        return f"{value:.{DIGITS}g}"
    return f"{value:.{DIGITS}f}".rstrip("0").rstrip(".")


def _describe_array(value: Any, limit: int) -> str:
    shape = tuple(value.shape)
    dtype = str(getattr(value, "dtype", "")).replace("torch.", "")
    flat = value.reshape(-1)[:12].tolist()
    shown = ", ".join(_float(float(v)) if isinstance(v, float) else repr(v) for v in flat)
    more = ", ..." if math.prod(shape) > 12 else ""
    head = f"{type(value).__name__}(shape={list(shape)}, dtype={dtype}"
    text = f"{head}, values [{shown}{more}])" if shape else f"{head}, value {shown})"
    return text if len(text) <= limit else text[:limit] + "...)"


class Call:
    """One call of a student function, rendered as the student would type it.

    ``Call("ngrams", ["a", "b"], 2).run(bleu)`` calls the student's ``bleu.ngrams`` and
    remembers what it was called with, so a failed check can show the call and the known
    mistakes can be asked what they would have answered (:mod:`.mistakes`).
    """

    def __init__(self, function: str, *args: Any, **kwargs: Any):
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.trusted: tuple[str, ...] = ()
        """Student functions replaced by correct ones while this call ran (:func:`trusted`)."""

    text: str | None = None
    """Shown instead of the rendered arguments when set (:meth:`shown_as`)."""

    def shown_as(self, text: str) -> "Call":
        """Show the call as ``text`` (say ``attention(q: [2, 3, 4], k: ...)`` for big
        tensors) while the arguments stay what they are."""
        self.text = text
        return self

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        parts = [describe(arg) for arg in self.args] + [f"{k}={describe(v)}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"

    __repr__ = __str__

    _answered: _Answer | None = None
    """What :func:`run_together` got for this call, used once."""

    def run(self, module: Any) -> Any:
        """Call ``module.<function>`` (a student module proxy) with the stored arguments,
        or give what :func:`run_together` already got for this call."""
        from .trusted import active_trusted

        self.trusted = active_trusted(module)
        answered, self._answered = self._answered, None
        if answered is not None and answered.module is module and answered.stand_ins == self.trusted:
            if not answered.ok:
                raise answered.value
            return answered.value
        if isinstance(module, RemoteObject):  # one round trip, not a getattr and a call
            return module._call_attr(self.function, *self.args, **self.kwargs)
        return getattr(module, self.function)(*self.args, **self.kwargs)


@dataclasses.dataclass(frozen=True)
class _Answer:
    """A call's outcome from :func:`run_together`, valid for that module under those stand-ins."""

    module: Any
    stand_ins: tuple[str, ...]
    ok: bool
    value: Any
    """The value returned, or the StudentError raised."""


def run_together(module: Any, calls: Sequence[Call]) -> Sequence[Call]:
    """Make ``calls`` (of ``module``'s functions) in one round trip per function, in order;
    each call's :meth:`Call.run` then gives its own answer without asking again (under the
    same stand-ins; otherwise it asks). Returns ``calls``.

    For a grader that checks many generated cases: ~200 cases cost one request instead of
    200. The student's code runs every call even when an early one is wrong, which is
    what the checks then read in order, so the feedback is the same. When the request as a
    whole fails (a crash, the deadline, a missing function) the first call raises that
    error and the others ask on their own, as they would have.
    """
    from .trusted import active_trusted

    if not isinstance(module, RemoteObject) or len(calls) < 2:
        return calls
    stand_ins = active_trusted(module)
    by_function: dict[str, list[Call]] = {}
    for call in calls:
        by_function.setdefault(call.function, []).append(call)
    for function, group in by_function.items():
        try:
            outcomes = module._call_many(function, [(call.args, call.kwargs) for call in group])
        except StudentError as exc:
            group[0]._answered = _Answer(module, stand_ins, False, exc)
            continue
        for call, (ok, value) in zip(group, outcomes):
            call._answered = _Answer(module, stand_ins, ok, value)
    return calls


def _fail(call: Call | str, got: Any, wanted: str, rule: str) -> AssertionError:
    from .checks import CheckFailed

    return CheckFailed(Evidence(rule=rule, call=str(call), observed=describe(got), expected=wanted))


def number(value: Any, call: Call | str) -> float:
    """A float from an int, a float or a 0-d numpy/torch value; a clear failure otherwise."""
    if type(value).__module__.split(".")[0] in ("numpy", "torch") and hasattr(value, "shape"):
        if tuple(value.shape) not in ((), (1,)):
            raise _fail(call, value, "a single number", "the function returns one number")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(call, value, "a number", "the function returns a number (a function that falls "
                                             "through without `return` returns None)")
    value = float(value)
    if math.isnan(value):
        raise _fail(call, value, "a number", "the function returns a number, not nan (look for a 0/0)")
    return value


def integer(value: Any, call: Call | str) -> int:
    got = number(value, call)
    if got != int(got):
        raise _fail(call, value, "a whole number", "the function returns a count, a whole number")
    return int(got)


def sequence(value: Any, call: Call | str, length: int | None = None, what: str = "a list") -> list:
    """A list or tuple (of ``length`` items, when given)."""
    if not isinstance(value, (list, tuple)) or (length is not None and len(value) != length):
        wanted = f"a tuple or list of {length} items" if length is not None else what
        raise _fail(call, value, wanted, f"the function returns {wanted}")
    return list(value)


def instance(value: Any, call: Call | str, what: str) -> Any:
    """An object of the student's (a class instance, a model: it stays in the student
    process and arrives as a handle), or a failure saying that ``call`` returned plain data
    (None, a list, ...) instead of ``what``. Check it before reading attributes: an
    AttributeError in grader code is the grader's failure, not the student's."""
    from ..remote import RemoteObject

    if not isinstance(value, RemoteObject):
        raise _fail(call, value, what, f"the function returns {what}")
    return value


def counter(value: Any, call: Call | str, key: Callable[[Any], bool] | None = None,
            what: str = "a collections.Counter") -> dict:
    """A plain dict of the non-zero counts of a Counter (or dict) whose keys pass ``key``."""
    if not isinstance(value, dict):
        raise _fail(call, value, what, f"the function returns {what}")
    counts = {}
    for item, count in value.items():
        if key is not None and not key(item):
            raise _fail(call, value, what, f"the function returns {what} (the key {describe(item)} is not one)")
        count = integer(count, f"the count of {describe(item)} in {call}")
        if count:
            counts[item] = count
    return counts


def sizes(count: int, largest: int) -> list[int]:
    """``count`` case sizes growing from 1 to ``largest``: checked in this order, the
    smallest failing case is the one a student sees."""
    return [1 + (largest - 1) * i // max(1, count - 1) for i in range(count)]
