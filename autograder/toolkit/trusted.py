"""Grading a concept on its own, and watching arguments.

:func:`trusted` replaces some of the student's functions by correct ones for the length
of a ``with`` block: the student's module attribute is set to a callback into the grading
process, which runs the reference there (never inside the student process). A student's
``corpus_bleu`` that calls ``modified_precision`` then gets correct clipped counts, so a
mistake in clipping costs the clipping concept and not corpus BLEU as well. The names
are recorded with the test, so feedback can say "graded with a correct
``modified_precision``".

:func:`call_watching` calls a student function through a ``functools.partial`` built in
the student process: the arguments live there, and reading ``partial.args`` afterwards
shows them as the function left them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import types
from typing import Any, Callable, Iterator, Sequence

from ..channel import Answered, answer_key, encode_data
from ..remote import RemoteObject, StudentError
from .checks import CheckFailed
from .mistakes import Mistakes
from .values import Call, describe
from ..results import Evidence


_IN_PROCESS = types.SimpleNamespace(trusted_now=(), trusted_used=set())
"""Stand-in bookkeeping for student modules imported into this process (in-process test
runs such as ``benchmarks/inprocess_conftest.py``), which have no session."""


def _session_of(module: Any) -> Any:
    return module._session if isinstance(module, RemoteObject) else _IN_PROCESS


def _swap(module: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set ``values`` on the module; what they replaced (see ``RemoteObject._swap``)."""
    if isinstance(module, RemoteObject):
        return module._swap(values)
    previous = {name: getattr(module, name) for name in values if hasattr(module, name)}
    for name, value in values.items():
        setattr(module, name, value)
    return previous


def active_trusted(module: Any) -> tuple[str, ...]:
    return tuple(getattr(_session_of(module), "trusted_now", ()))


@contextlib.contextmanager
def trusted(module: RemoteObject, mistakes: Mistakes, *names: str, answers_for: Sequence[Call] = ()) -> Iterator[None]:
    """Inside the block, the student module's functions ``names`` are the reference's.

    Each call of a stand-in is a callback into this process. ``answers_for`` (calls the
    block will make, for stand-ins that answer the same arguments the same way: no
    randomness) sends along what the stand-ins answer while the *reference* makes those
    calls: a student's call with the same arguments is answered in the student process,
    any other is still a callback. Where the solutions are not at hand (public tests on a
    student's machine) nothing is replaced."""
    if not mistakes.available or not names:
        yield
        return
    session = _session_of(module)
    reference = mistakes.reference(_module_name(module))
    stand_ins: dict[str, Any] = {name: _recording(session, name, getattr(reference, name)) for name in names}
    if answers_for and isinstance(module, RemoteObject):
        tables = reference_answers(reference, names, answers_for)
        stand_ins = {name: Answered(name, tables[name], function) if tables[name] else function
                     for name, function in stand_ins.items()}
    originals: dict[str, Any] = {}

    def install() -> None:
        # One round trip (graders enter such blocks thousands of times per submission). A
        # function the student lacks has no original: theirs cannot be blamed either.
        originals.update(_swap(module, stand_ins))

    # Installed just before the block's first request to the student process: a block
    # whose calls were all answered already (``run_together``) costs no round trip.
    pending = getattr(session, "before_request", None)
    if pending is None:
        install()
    else:
        pending.append(install)
    before = tuple(getattr(session, "trusted_now", ()))
    session.trusted_now = tuple(dict.fromkeys(before + names))
    try:
        yield
    finally:
        session.trusted_now = before
        if pending is not None and install in pending:
            pending.remove(install)
        elif originals:
            try:
                _swap(module, originals)
            except StudentError:  # the process was replaced: a fresh one has the student's own
                pass


def reference_answers(reference: types.ModuleType, names: Sequence[str],
                      calls: Sequence[Call]) -> dict[str, list[tuple[Any, Any]]]:
    """For each of ``names``, ``(answer_key(args, kwargs), encode_data(value))`` of every
    distinct call the reference's own code made to it while making ``calls`` (answers that
    are not plain data are left out: those calls stay callbacks)."""
    tables: dict[str, dict[Any, Any]] = {name: {} for name in names}
    originals = {name: getattr(reference, name) for name in names}

    def recording(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        table = tables[name]

        def record(*args: Any, **kwargs: Any) -> Any:
            try:
                key = answer_key(args, kwargs)  # before the call: a snapshot of the arguments
            except TypeError:  # arguments that are not plain data: always a callback
                return function(*args, **kwargs)
            value = function(*args, **kwargs)
            if key not in table:
                try:
                    table[key] = encode_data(value)
                except TypeError:  # an answer that is not plain data: a callback
                    table[key] = None
            return value
        return record

    for name, function in originals.items():
        setattr(reference, name, recording(name, function))
    try:
        for call in calls:
            try:
                getattr(reference, call.function)(*copy.deepcopy(call.args), **copy.deepcopy(call.kwargs))
            except Exception:  # a call meant to raise: whatever it recorded still holds
                pass
    finally:
        for name, function in originals.items():
            setattr(reference, name, function)
    return {name: [(key, document) for key, document in table.items() if document is not None]
            for name, table in tables.items()}


def _recording(session: Any, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, noting in the test's record that student code called it (only a
    stand-in that was used is mentioned in feedback)."""

    @functools.wraps(function)
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        session.trusted_used.add(name)
        return function(*args, **kwargs)

    return stand_in


def _module_name(module: Any) -> str:
    return module._path.split(".")[0] if isinstance(module, RemoteObject) else module.__name__


def call_watching(student: Any, module: RemoteObject, call: Call) -> tuple[Any, list[str]]:
    """Run ``call`` and list the arguments it changed in place (``'argument 1'``,
    ``'keyword eos_id'``), compared with copies kept here. Functions passed as arguments
    (grader callbacks) are not compared."""
    before_args = tuple(a if callable(a) else copy.deepcopy(a) for a in call.args)
    before_kwargs = {k: v if callable(v) else copy.deepcopy(v) for k, v in call.kwargs.items()}
    bound = student.module("functools").partial(getattr(module, call.function), *call.args, **call.kwargs)
    value = bound()
    after_args, after_kwargs = tuple(bound.args), dict(bound.keywords)
    changed = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(before_args, after_args))
               if not callable(a) and not _same(a, b)]
    changed += [f"keyword {k}" for k in before_kwargs
                if not callable(before_kwargs[k]) and not _same(before_kwargs[k], after_kwargs.get(k))]
    return value, changed


def expect_unchanged(student: Any, module: RemoteObject, call: Call, *, rule: str,
                     mistakes: Mistakes | None = None) -> Any:
    """Run ``call``; fail if it changed an argument in place. Returns the value. A known
    mistake that changes the same arguments names the diagnosis."""
    before = [describe(a) for a in call.args]
    value, changed = call_watching(student, module, call)
    if changed:
        diagnosis = None
        if mistakes is not None:
            def changes_the_same(candidate: Any) -> bool:
                args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
                getattr(candidate, call.function)(*args, **kwargs)
                theirs = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(call.args, args)) if not _same(a, b)]
                theirs += [f"keyword {k}" for k in call.kwargs if not _same(call.kwargs[k], kwargs[k])]
                return theirs == changed

            diagnosis = mistakes.recognise(call.function, changes_the_same)
        raise CheckFailed(Evidence(
            rule=rule, call=str(call), observed=f"{', '.join(changed)} changed in place",
            expected="the arguments as they were passed", notes=[f"they were: {', '.join(before)}"],
            diagnosis=diagnosis, trusted=list(call.trusted)))
    return value


def _same(a: Any, b: Any) -> bool:
    try:
        import torch

        if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
            return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
                and bool(torch.equal(a, b))
    except ImportError:
        pass
    try:
        return bool(a == b)
    except Exception:
        return False
