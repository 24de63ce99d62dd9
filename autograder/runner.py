"""One trusted pytest session over a folder of graders, against one student workspace.

The graders are imported (collected once, with the reference they run) in the grading
process; each session then runs in a fork of it (:mod:`autograder.forked`), so whatever
one submission's session leaves behind is gone before the next one starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import sys
from pathlib import Path
from typing import Callable

import pytest

from . import forked
from .remote import StudentSession
from .sandbox.limits import Limits
from .sandbox.policy import Sandbox
from .sandbox.zygote import Zygote
from .results import Verdict
from .testing import GradingPlugin
from .toolkit import Mistakes

PYTEST_ARGS = [
    "-p", "no:cacheprovider",   # nothing written next to the graders
    "--tb=no", "-q",            # verdicts come from hooks; no failure text is built or shown
    "-p", "no:randomly",
    # Its two full garbage collections per session cost ~0.4 s each in a process holding
    # torch: nearly a tenth of grading a small submission, for warnings nobody reads here.
    "-p", "no:unraisableexception",
    "--assert=plain",           # no rewritten assertion text: it would quote grader source
    "--import-mode=importlib",  # graders of different assignments never clash in sys.modules
    "-c", os.devnull,           # ignore any pytest configuration around the graders
]


class GraderError(Exception):
    """The graders themselves are broken (an instructor problem, not a student one).

    ``str()`` is safe to show a student; ``details`` (pytest's report, which may quote
    grader source) goes to the instructor's log only."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details

    def __reduce__(self) -> tuple:  # raised in a grading fork, raised again in its parent
        return type(self), (str(self), self.details)


@dataclasses.dataclass
class Run:
    """What one session over the graders found."""

    verdicts: list[Verdict]
    problems: str = ""
    """Said once for the whole submission, above the tests: why a module of the
    submission could not be imported (each test that needed it says only that it could
    not run)."""


_PRIMED: set[Path] = set()
"""Grader folders whose modules this process has imported (see :func:`_prime`)."""


def _forget_other_copies(test_dir: Path) -> None:
    """Drop grader modules of the same name imported from another folder (another course
    or checkout with this assignment id): pytest keeps one module per name, and would
    otherwise run those graders instead of these."""
    folder = test_dir.resolve()
    prefix = f"{folder.parent.name}.{folder.name}."
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name.startswith(prefix) and path and not Path(path).resolve().is_relative_to(folder):
            del sys.modules[name]
    _PRIMED.difference_update({other for other in _PRIMED if other != folder
                               and (other.parent.name, other.name) == (folder.parent.name, folder.name)})


def _prime(test_dir: Path, rootdir: Path, solution_dir: Path | None) -> None:
    """Import the graders (a collection without tests) and the reference here, once per
    process, so that every grading fork starts with them imported. Only imports: no test,
    no fixture and no student code runs here. A folder that fails to collect is left to
    the session, which reports it."""
    folder = test_dir.resolve()
    if folder in _PRIMED or not forked.ENABLED:
        return
    _PRIMED.add(folder)
    plugin = GradingPlugin(None, "", lambda name: 0.0, solution_dir)  # type: ignore[arg-type]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        pytest.main([str(test_dir), "--rootdir", str(rootdir), "--collect-only", *PYTEST_ARGS], plugins=[plugin])
    if plugin.collection_errors:  # what failed to import may be left half made: each session tries again
        for name, module in list(sys.modules.items()):
            path = getattr(module, "__file__", None)
            if path and Path(path).resolve().is_relative_to(folder):
                del sys.modules[name]
    mistakes = Mistakes.of(solution_dir)
    for name in mistakes.sources:
        with contextlib.suppress(Exception):  # a broken reference is the session's to report
            mistakes.reference(name)


def run_tests(
    test_dir: Path,
    workdir: Path,
    *,
    limits: Limits,
    seed: str,
    timeout_for: Callable[[str], float],
    sandbox: Sandbox | None = None,
    zygote: Zygote | None = None,
) -> Run:
    if not test_dir.is_dir():
        raise GraderError(f"{test_dir}: no test folder")
    _forget_other_copies(test_dir)
    solution_dir = test_dir.parent if test_dir.name == "graders" else None
    # The rootdir two levels up makes module names carry the assignment
    # ("a4_bleu.graders.test_validation"), so one process can grade several
    # assignments without one's test modules standing in for another's.
    rootdir = test_dir.resolve().parent.parent
    _prime(test_dir, rootdir, solution_dir)

    def session() -> Run:
        return _session(test_dir, rootdir, workdir, StudentSession(workdir, limits, sandbox=sandbox, zygote=zygote),
                        seed, timeout_for, solution_dir)

    try:
        return forked.call(session)
    except forked.ForkLost as exc:
        if zygote is not None:  # it may have been left mid-request: the next submission starts a new one
            zygote.close()
        raise GraderError("the graders' session ended without a result", str(exc)) from None


def _session(test_dir: Path, rootdir: Path, workdir: Path, session: StudentSession, seed: str,
             timeout_for: Callable[[str], float], solution_dir: Path | None) -> Run:
    plugin = GradingPlugin(session, seed, timeout_for, solution_dir)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = pytest.main([str(test_dir), "--rootdir", str(rootdir), *PYTEST_ARGS], plugins=[plugin])
    finally:
        session.close()
    if plugin.collection_errors:
        raise GraderError("the graders could not be collected", "\n".join(plugin.collection_errors))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.verdicts:
        ending = "found no tests" if code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED) \
            else f"ended with pytest exit code {int(code)}"
        raise GraderError(f"the graders' session {ending}", f"{test_dir}: {sink.getvalue()[-2000:]}")
    problems = "\n\n".join(failure.feedback() for failure in session.import_failures.values())
    return Run(list(plugin.verdicts.values()), problems)
