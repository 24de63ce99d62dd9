"""What graders see: the pytest plugin that gives tests a ``student`` and collects verdicts.

Graders (hidden ones in ``solutions/<id>/graders/``, public ones in
``assignments/<id>/tests/``) are ordinary pytest files. They use these fixtures:

- ``student``: a :class:`~autograder.remote.StudentSession`; ``student.module("bleu")``
  is a proxy whose functions run in the sandboxed student process;
- ``rng``: a ``random.Random`` seeded from a per-run secret, different for every test,
  so hidden inputs cannot be predicted from an earlier run;
- ``record``: ``record("attention", {...})`` attaches JSON-able data to the test's result
  (Gradescope's ``extra_data``), e.g. an attention matrix for a report to draw;
- ``mistakes``: the assignment's reference and known mistakes, run here in the trusted
  process, for the toolkit's diagnoses and trusted stand-ins (:mod:`autograder.toolkit`).

A check written with the toolkit fails with a :class:`~autograder.toolkit.CheckFailed`
whose evidence (call, observed, expected, rule, diagnosis) is kept with the verdict.

Verdicts are computed here, in the trusted process, from pytest's own reports (the
``pytest_runtest_makereport`` / ``pytest_runtest_logreport`` hooks), never from anything
the student process prints. Assertion rewriting is off (``--assert=plain``), so the text
of an ``assert ..., "message"`` is the whole feedback: graders write it for the student,
and no grader source ever reaches a student.

Only what the student's code did may cost points. A test fails *against the student*
when a check says so (``CheckFailed``, an ``assert``, ``pytest.fail``) or when the student
process did (a ``StudentError``: an exception, crash or timeout of student code). Any other
exception, in the test or in a fixture (a ``NameError`` in grader code, a value the
channel cannot send, a grader's callback that broke), is the graders' fault: the verdict
says "grading failed — not your fault", the attempt becomes an ``error`` to regrade, and
the traceback goes to the instructor's log. So a grader must check a student's value's
type before it uses it (the toolkit's ``number``, ``sequence``, ... do).
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import pytest

from .remote import StudentError, StudentSession
from .results import Verdict
from .toolkit import CheckFailed, Mistakes

MAX_FEEDBACK_CHARS = 4000
MAX_OUTPUT_CHARS = 2000
GRADERS_FAULT = ("Grading failed — not your fault; your instructor has been told. This check "
                 "broke in the graders' own code and counts for nothing until it is regraded.")

log = logging.getLogger(__name__)

_LIBRARIES = tuple(str(folder) + os.sep for folder in (Path(__file__).resolve().parent,
                                                       Path(pytest.__file__).resolve().parents[1]))
"""Frames in the framework or in installed libraries: a grader error names the grader's own line."""

STUDENTS_FAULTS = (CheckFailed, StudentError, AssertionError, pytest.fail.Exception, pytest.skip.Exception)
"""What may cost a student points: a check that failed, or the student's code itself."""


def graders_fault(exc: BaseException) -> bool:
    """True when a test ended by an exception that is not a check and not the student's."""
    return not isinstance(exc, STUDENTS_FAULTS)


def fault_summary(exc: BaseException) -> str:
    """``NameError: name 'x' is not defined (test_vocab.py:42)``: the exception and the
    innermost grader frame, for the instructor (never shown to a student)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f for f in reversed(frames) if not f.filename.startswith(_LIBRARIES)), frames[-1] if frames else None)
    place = f" ({Path(where.filename).name}:{where.lineno})" if where is not None else ""
    return f"{type(exc).__name__}: {exc}"[:500] + place


def feedback_message(exc: BaseException) -> str:
    """The student-facing explanation of a failed test."""
    if graders_fault(exc):
        return GRADERS_FAULT
    if isinstance(exc, CheckFailed):
        text = str(exc)
    elif isinstance(exc, StudentError) and exc.failed_import:
        text = (f"Not checked: {exc.failed_import}.py could not be imported "
                "(the reason is at the top of this feedback).")
    elif isinstance(exc, StudentError):
        text = exc.feedback()
    elif isinstance(exc, AssertionError):
        text = str(exc) or "a check failed"
    elif isinstance(exc, pytest.fail.Exception):
        text = str(exc.msg)
    else:
        text = f"not checked: {getattr(exc, 'msg', exc)}"
    return text[:MAX_FEEDBACK_CHARS]


class GradingPlugin:
    """Registered into one pytest session; holds the session with the student process."""

    provides_student = True
    """Tells :mod:`autograder.public` (plain pytest's fixtures) to stand aside."""

    def __init__(self, session: StudentSession, seed: str, timeout_for: Callable[[str], float],
                 solution_dir: Path | None = None):
        self.session = session
        self.seed = seed
        self.timeout_for = timeout_for
        self.solution_dir = solution_dir
        self.verdicts: dict[str, Verdict] = {}
        self.collection_errors: list[str] = []

    @pytest.fixture
    def student(self) -> StudentSession:
        return self.session

    @pytest.fixture
    def mistakes(self) -> Mistakes:
        """The assignment's reference and known mistakes, run here in the trusted process
        (empty where the solutions are not at hand, as in a student's ``check``)."""
        return Mistakes.of(self.solution_dir)

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> random.Random:
        return random.Random(f"{self.seed}/{request.node.nodeid}")

    @pytest.fixture
    def record(self, request: pytest.FixtureRequest) -> Callable[[str, Any], None]:
        verdict = self.verdicts[request.node.nodeid]

        def attach(name: str, value: Any) -> None:
            json.dumps(value)  # fail in the grader, not later in a renderer
            verdict.data[name] = value

        return attach

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: Any) -> Any:
        name = getattr(item, "originalname", item.name)
        self.session.deadline = time.monotonic() + self.timeout_for(name)
        doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
        title = doc.splitlines()[0] if doc else name
        if item.name != name:  # parametrized: keep the case id so titles stay distinct
            title += " " + item.name[len(name):]
        self.verdicts[item.nodeid] = Verdict(item.nodeid, name, title, True)
        self.session.trusted_used = set()
        try:
            return (yield)
        finally:
            self.session.deadline = None
            self.verdicts[item.nodeid].output = self.session.take_output()[-MAX_OUTPUT_CHARS:]
            self.verdicts[item.nodeid].trusted = sorted(self.session.trusted_used)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        report = yield
        verdict = self.verdicts[item.nodeid]
        verdict.duration += call.duration
        if (report.failed or report.skipped) and verdict.passed:
            verdict.passed = False
            exc = call.excinfo.value if call.excinfo is not None else None
            verdict.message = feedback_message(exc) if exc is not None else "failed"
            if isinstance(exc, CheckFailed):
                verdict.evidence = exc.evidence
            elif exc is not None and graders_fault(exc):
                verdict.grader_error = fault_summary(exc)
                log.error("the graders broke in %s (%s): %s", item.nodeid, call.when, verdict.grader_error,
                          exc_info=(type(exc), exc, exc.__traceback__))
        return report

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")
