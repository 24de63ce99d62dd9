"""JUnit XML for CI dashboards: one ``<testsuite>`` per attempt, one ``<testcase>`` per test.

Jenkins, GitLab, GitHub Actions' test reporters and most CI services read JUnit XML, so a
batch graded in CI (``grade --junit FILE``) or a student's own run of the public tests
(``check --junit FILE``) shows up there as a table of passes and failures.

- A suite is named ``<assignment>/<student>``; its properties are the submission path,
  the score, the maximum, the attempt's status and the graders' hash, and its ``time`` is
  the attempt's execution time. Anything the attempt says once for all tests (a module
  that could not be imported) is its ``<system-out>``.
- A test is a case of class ``<assignment>.<concept>`` named by its title in the reader's
  language; its points are the case's ``score`` and ``max_score`` properties. A failed
  test's ``<failure>`` holds exactly what the student reads
  (:func:`.text.test_text`): never grader source. A test whose check broke in the graders
  is an ``<error>`` with the generic "not your fault" text, never the graders' exception
  (the log has that).
- A rejected attempt, or one whose grading failed before any test ran, is one case whose
  ``<error>`` holds the attempt's output; one that ``--resume`` skipped is a ``<skipped>``
  case.

Who reads the file decides what it holds (``audience``). The default is ``student``, as
for the HTML reports and the CLI's ``--audience``: a JUnit file is easily published (a CI
artifact, a test tab that students of a GitHub Classroom can open), and a hidden check's
title or output cannot be taken back once read, while staff lose nothing but a flag. For
the student audience a check the student may not see yet (``hidden`` and
``after_published`` always, ``after_due_date`` until ``due`` has passed) is kept with its
pass or fail and its points, so the counts and the score add up, but is named
"hidden check N", without its concept, title or output. ``check`` runs the public tests
only, all visible, so the audience makes no difference there. ``instructor`` writes
every test as it is.

Built with junitparser: it knows the JUnit schema, derives each suite's counts from its
cases (so they cannot disagree), and is the library the tests read the file back with.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from junitparser import (
    Error,
    Failure,
    JUnitXml,
    Properties,
    Property,
    Skipped,
    TestCase,
    TestSuite,
)
from junitparser.junitparser import SystemOut

from ..i18n import Translator, english
from ..results import ERROR, REJECTED, SKIPPED, GradeResult, TestResult
from .html import past_due
from .text import output_text, test_text

__all__ = ["AUDIENCES", "to_junit", "write_junit", "xml_safe"]

AUDIENCES = ("student", "instructor")

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold at all, not even as a character reference: control characters
(a student's code printing ANSI colours or ``\\x00``), lone surrogates, U+FFFE and U+FFFF.
Neither junitparser nor the XML writers under it deal with these: lxml refuses the string
and ElementTree writes a file no parser reads, hence this replacement."""


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids written as a visible escape
    (``\\x1b``, ``\\ud800``), so the file always parses and nothing is silently lost."""
    return _FORBIDDEN.sub(lambda m: _escape(m.group(0)), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def to_junit(results: Iterable[GradeResult], tr: Translator | None = None, *, audience: str = "student",
             due: str | None = None, now: dt.datetime | None = None) -> JUnitXml:
    """The attempts as one ``<testsuites>`` document, in ``tr``'s language, for
    ``audience`` (``student``: checks not yet shown to students are named "hidden check N"
    and say nothing but pass or fail and points; ``instructor``: everything). ``due`` is
    the assignment's due date, which shows ``after_due_date`` checks to students."""
    tr = tr or english()
    if audience not in AUDIENCES:
        raise ValueError(f"audience: {audience!r} is not one of {', '.join(AUDIENCES)}")
    shown = _shown(audience == "instructor", past_due(due, now))
    results = list(results)
    document = JUnitXml()
    for result in results:
        # Appended, not add_testsuite(): that merges suites of the same name, and two
        # attempts of one student are two suites.
        document.append(_suite(result, tr, shown))
    document.update_statistics()
    # A suite's time is the attempt's (sandbox and intake included), not the sum of its
    # tests' that update_statistics() wrote.
    for suite, result in zip(document, results):
        suite.time = float(result.execution_time)
    document.time = round(sum(float(r.execution_time) for r in results), 3)
    return document


def write_junit(results: list[GradeResult], path: Path, tr: Translator | None = None, *,
                audience: str = "student", due: str | None = None, now: dt.datetime | None = None) -> None:
    """Write :func:`to_junit` of ``results`` to ``path`` (UTF-8), creating its folder."""
    document = to_junit(results, tr, audience=audience, due=due, now=now)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.write(str(path))


def _shown(instructor: bool, due_passed: bool) -> Callable[[TestResult], bool]:
    def shown(test: TestResult) -> bool:
        if instructor or test.visibility == "visible":
            return True
        return test.visibility == "after_due_date" and due_passed  # hidden, after_published, unknown: withheld
    return shown


def _suite(result: GradeResult, tr: Translator, shown: Callable[[TestResult], bool]) -> TestSuite:
    suite = TestSuite(xml_safe(f"{result.assignment}/{result.student}"))
    if result.started_at:
        suite.timestamp = result.started_at
    properties = {"submission": result.submission, "score": f"{result.score:g}",
                  "max_score": f"{result.max_score:g}", "status": result.status, "grader_hash": result.grader_hash}
    for name, value in properties.items():
        suite.add_property(name, xml_safe(value))
    if result.status == SKIPPED:
        case = TestCase(xml_safe(tr("already graded by these graders")), xml_safe(result.assignment), 0.0)
        case.result = [Skipped(xml_safe(tr("already graded by these graders")), SKIPPED)]
        suite.add_testcase(case)
    elif result.status in (REJECTED, ERROR) and not result.tests:
        suite.add_testcase(_attempt_case(result, tr))
    else:
        withheld = 0
        cases = []
        for test in result.tests:
            visible = shown(test)
            withheld += not visible
            cases.append(_case(result, test, tr, visible, withheld))
        suite.add_testcases(cases)
        if result.output:
            suite.append(SystemOut(xml_safe(output_text(result.output, tr))))
    return suite


def _attempt_case(result: GradeResult, tr: Translator) -> TestCase:
    """One case for an attempt that was not graded: the reason is its ``<error>``."""
    name = tr("not graded") if result.status == REJECTED else tr("grading failed — not your fault")
    case = TestCase(xml_safe(name), xml_safe(result.assignment), float(result.execution_time))
    case.result = [_with_text(Error, output_text(result.output, tr) or name, result.status)]
    return case


def _case(result: GradeResult, test: TestResult, tr: Translator, visible: bool, number: int) -> TestCase:
    if visible:
        case = TestCase(xml_safe(tr.title(test.name)), xml_safe(f"{result.assignment}.{test.concept}"),
                        float(test.duration))
    else:
        case = TestCase(xml_safe(tr("hidden check {number}").format(number=number)), xml_safe(result.assignment),
                        float(test.duration))
    points = Properties()
    points.add_property(Property("score", f"{test.score:g}"))
    points.add_property(Property("max_score", f"{test.max_score:g}"))
    if visible and test.visibility != "visible":
        points.add_property(Property("visibility", xml_safe(test.visibility)))
    case.append(points)
    if test.status == "failed":
        case.result = [_with_text(Failure, test_text(test, tr), "failed") if visible
                       else Failure(tr("failed"), "failed")]
    elif test.status == ERROR:
        # The generic text, never test.grader_error: that is the graders' exception.
        case.result = [_with_text(Error, tr("Grading failed — not your fault; your instructor has been told. "
                                            "This check broke in the graders' own code and counts for nothing "
                                            "until it is regraded."), ERROR)]
    return case


def _with_text(kind: type[Failure | Error], text: str, type_: str) -> Failure | Error:
    """A ``<failure>`` or ``<error>`` whose message is the text's first line and whose
    body is the whole text."""
    text = xml_safe(text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    element = kind(first or type_, type_)
    if text:
        element.text = text
    return element
