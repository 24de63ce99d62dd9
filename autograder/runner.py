"""One trusted pytest session over a folder of graders, against one student workspace.

The graders are collected once per grading process (:mod:`autograder.collected`, with the
reference they run); each submission's test loop then runs in a fork of it
(:mod:`autograder.forked`), so whatever one submission's session leaves behind is gone
before the next one starts.
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
from .collected import Collected, collect, without_outer_rewriter
from .remote import StudentSession
from .results import Verdict
from .sandbox.limits import Limits
from .sandbox.policy import Sandbox
from .sandbox.zygote import Zygote
from .testing import GradingPlugin

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
    graders = collect(test_dir, rootdir, solution_dir, PYTEST_ARGS) if forked.ENABLED else None
    if graders is not None and graders.errors:
        raise GraderError("the graders could not be collected", "\n".join(graders.errors))

    def session() -> Run:
        student = StudentSession(workdir, limits, sandbox=sandbox, zygote=zygote)
        if graders is None:
            return _session(test_dir, rootdir, student, seed, timeout_for, solution_dir)
        return _loop(graders, test_dir, student, seed, timeout_for)

    try:
        return forked.call(session, timeout=graders.time_limit(timeout_for) if graders is not None else None)
    except forked.ForkLost as exc:
        if zygote is not None:  # it may have been left mid-request: the next submission starts a new one
            zygote.close()
        raise GraderError("the graders' session ended without a result", str(exc)) from None


def _loop(graders: Collected, test_dir: Path, session: StudentSession, seed: str,
          timeout_for: Callable[[str], float]) -> Run:
    """The collected graders' test loop against ``session`` (in a grading fork)."""
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            plugin = graders.run(session, seed, timeout_for)
    except Exception as exc:  # noqa: BLE001 - pytest.exit() in a grader, pytest's own failure
        raise GraderError(f"the graders' session ended with {type(exc).__name__}",
                          f"{test_dir}: {exc}\n{sink.getvalue()[-2000:]}") from None
    finally:
        session.close()
    if not plugin.verdicts:
        raise GraderError("the graders' session found no tests", f"{test_dir}: {sink.getvalue()[-2000:]}")
    return _run_of(plugin, session)


def _session(test_dir: Path, rootdir: Path, session: StudentSession, seed: str,
             timeout_for: Callable[[str], float], solution_dir: Path | None) -> Run:
    """A whole ``pytest.main`` over the graders against ``session`` (where they cannot be
    collected ahead: another platform or pytest)."""
    plugin = GradingPlugin(session, seed, timeout_for, solution_dir)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), without_outer_rewriter():
            code = pytest.main([str(test_dir), "--rootdir", str(rootdir), *PYTEST_ARGS], plugins=[plugin])
    finally:
        session.close()
    if plugin.collection_errors:
        raise GraderError("the graders could not be collected", "\n".join(plugin.collection_errors))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.verdicts:
        ending = "found no tests" if code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED) \
            else f"ended with pytest exit code {int(code)}"
        raise GraderError(f"the graders' session {ending}", f"{test_dir}: {sink.getvalue()[-2000:]}")
    return _run_of(plugin, session)


def _run_of(plugin: GradingPlugin, session: StudentSession) -> Run:
    problems = "\n\n".join(failure.feedback() for failure in session.import_failures.values())
    return Run(list(plugin.verdicts.values()), problems)
