"""Terminal rendering with rich: one submission in detail, or a batch as a summary.

Everything here must read well in an 80-column terminal: feedback is printed as wrapped,
indented text blocks under each test (never squeezed into a table column), identifiers
(students, assignments, concepts) are never cut, and long reasons wrap instead of being
truncated. Every renderer takes ``tr``, the reader's language (:mod:`autograder.i18n`):
the words here are its messages, and what grading stored is translated through it.
"""

from __future__ import annotations

from itertools import groupby
from typing import Iterable

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from ..i18n import Translator, english
from ..results import GRADED, GradeResult, TestResult
from .text import output_text, test_text, visibility_text

STATUS_STYLE = {"passed": "green", "failed": "red", "graded": "green", "rejected": "yellow", "error": "magenta"}
INDENT = 6


def _score(got: float, total: float) -> str:
    return f"{got:.4g} / {total:.4g}"


class _Block:
    """A wrapped, indented block of plain text (no markup is read from it), without the
    trailing spaces ``Padding`` adds to every line (they end up in copied feedback)."""

    def __init__(self, text: str, indent: int):
        self.text, self.indent = text.rstrip(), indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(20, options.max_width - self.indent)
        for line in Text(self.text).wrap(console, width):
            line.rstrip()
            yield Text(" " * self.indent) + line


def wrapped(text: str, indent: int = INDENT) -> _Block:
    """``text`` wrapped to the console's width, each line indented by ``indent`` spaces."""
    return _Block(text, indent)


def _line(left: Text, right: str, style: str = "") -> Table:
    """``left`` wrapping on the left, ``right`` kept whole on the right."""
    grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(left, Text(right, style=style))
    return grid


def status_word(status: str, tr: Translator) -> str:
    """A status as the reader's word for it."""
    words = {"passed": tr("passed"), "failed": tr("failed"), "graded": tr("graded"), "rejected": tr("rejected"),
             "error": tr("error")}
    return words.get(status, status)


def render_header(console: Console, result: GradeResult, tr: Translator | None = None) -> None:
    tr = tr or english()
    console.print(Text.assemble(
        (result.student, "bold"), "  ", result.assignment, "  ", (_score(result.score, result.max_score), "bold"),
        "  ", (status_word(result.status, tr), STATUS_STYLE.get(result.status, "")),
    ))
    if result.output:
        console.print(wrapped(output_text(result.output, tr), 2))


def render_result(console: Console, result: GradeResult, tr: Translator | None = None) -> None:
    """Every test, grouped by concept, with its points and, when it failed, what went wrong."""
    tr = tr or english()
    render_header(console, result, tr)
    for concept, members in groupby(result.tests, key=lambda t: t.concept):
        tests = list(members)
        got, total = sum(t.score for t in tests), sum(t.max_score for t in tests)
        style = "green" if got >= total - 1e-9 else "red"
        title = Text.assemble((tr.text(tests[0].concept_title), "bold"), " ", (f"[{concept}]", "cyan"))
        if tests[0].visibility != "visible":
            title.append(f" ({visibility_text(tests[0].visibility, tr)})", style="dim")
        console.print()
        console.print(_line(title, _score(got, total), style))
        if tests[0].lecture and got < total - 1e-9:
            console.print(wrapped(tr("Review: {lecture}").format(lecture=tests[0].lecture), 2))
        width = max(len(_points(t)) for t in tests)
        for test in tests:
            _render_test(console, test, width, tr)
    console.print()


def _points(test: TestResult) -> str:
    """Points earned of the test's share; ``-`` where the graders broke (not a grade yet)."""
    got = "-" if test.status == "error" else f"{test.score:.3g}"
    return f"{got}/{test.max_score:.3g}"


def _render_test(console: Console, test: TestResult, points_width: int, tr: Translator) -> None:
    """A mark, the points and the title (wrapped lines stay in the title's column), then
    what went wrong as an indented block."""
    passed = test.status == "passed"
    mark = {"passed": "  ✓", "error": "  !"}.get(test.status, "  ✗")
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, width=3)
    grid.add_column(no_wrap=True, justify="right", width=points_width)
    grid.add_column(ratio=1, overflow="fold")  # wraps at words; "fold" so a wide (Hangul) line is never cut
    grid.add_row(Text(mark, style=STATUS_STYLE[test.status]), _points(test), Text(tr.title(test.name)))
    console.print(grid)
    if not passed and test.output:
        console.print(wrapped(test_text(test, tr)))


def render_check(console: Console, result: GradeResult, tr: Translator | None = None) -> None:
    """A student's view of the public tests: what passed, and what to fix next."""
    tr = tr or english()
    if result.status != GRADED:
        console.print(Text(output_text(result.output, tr), style=STATUS_STYLE.get(result.status, "")))
        return
    if result.output:
        console.print(Text(output_text(result.output, tr), style="red"))
        console.print()
    passed = sum(t.status == "passed" for t in result.tests)
    for test in result.tests:
        if test.status == "passed":
            console.print(Text.assemble(("  ✓ ", "green"), tr.title(test.name)))
        else:
            console.print(Text.assemble(("  ✗ ", "red"), (tr.title(test.name), "bold")))
            if test.output:
                console.print(wrapped(test_text(test, tr)))
    style = "green" if passed == len(result.tests) else "yellow"
    console.print(Text("\n" + tr("{passed} of {total} public tests pass.").format(passed=passed, total=len(result.tests)),
                       style=style))
    if passed == len(result.tests):
        console.print(tr("The hidden tests check more cases: read the README's concepts once more before you hand in."))


def _notes(result: GradeResult, tr: Translator) -> str:
    if result.status != GRADED:
        return output_text(result.output, tr)
    lost = [c for c, (got, total) in result.concept_scores().items() if got < total - 1e-9]
    return tr("lost points in {concepts}").format(concepts=", ".join(lost)) if lost else ""


def render_batch(console: Console, results: Iterable[GradeResult], title: str = "", tr: Translator | None = None) -> None:
    """One table per assignment: student, score, status, time, and what was lost or why
    the submission was not graded (wrapped, never cut)."""
    tr = tr or english()
    results = list(results)
    if title:
        console.print(Text(title, style="bold"))
    if not results:
        return
    by_assignment: dict[str, list[GradeResult]] = {}
    for result in results:
        by_assignment.setdefault(result.assignment, []).append(result)
    for assignment, members in by_assignment.items():
        table = Table(title=assignment if len(by_assignment) > 1 else None, box=box.SIMPLE_HEAD,
                      title_justify="left", pad_edge=False)
        table.add_column(tr("student"), no_wrap=True, min_width=max(len(r.student) for r in members))
        table.add_column(tr("score"), justify="right", no_wrap=True)
        table.add_column(tr("status"), no_wrap=True)
        table.add_column("s", justify="right", no_wrap=True)
        table.add_column(tr("notes"), overflow="fold", ratio=1, min_width=10)
        for result in members:
            table.add_row(
                result.student, _score(result.score, result.max_score),
                Text(status_word(result.status, tr), style=STATUS_STYLE.get(result.status, "")),
                f"{result.execution_time:.1f}", _notes(result, tr),
            )
        console.print(table)


def render_summary(console: Console, results: Iterable[GradeResult], tr: Translator | None = None) -> None:
    """A line counting the batch's outcomes."""
    tr = tr or english()
    results = list(results)
    counts = {status: sum(r.status == status for r in results) for status in ("graded", "rejected", "error")}
    words = {"graded": tr("{count} graded"), "rejected": tr("{count} rejected"), "error": tr("{count} failed to grade")}
    parts = [words[status].format(count=count) for status, count in counts.items() if count]
    console.print(Text(tr("{count} submission(s): {outcomes}").format(
        count=len(results), outcomes=", ".join(parts or [tr("none")]))))


def render_validation(console: Console, assignment: str, checks: list) -> None:
    """``validate``'s verdicts: a line per submission it graded (what it is, its score),
    then, wrapped under it, what a mutant lost and any problem (``checks`` are
    :class:`autograder.validate.Check` objects)."""
    console.print(Text(f"validate {assignment}", style="bold"))
    files = [check for check in checks if check.kind == "file"]
    if files:
        console.print(Text("  problems in the files (each once; fix these first):", style="red"))
        for check in files:
            console.print(wrapped(check.name, 4))
        if len(files) == len(checks):
            console.print(Text("  nothing was graded: these make every result meaningless", style="red"))
    for check in checks:
        if check.kind == "file":
            continue
        label = check.name if check.kind in ("reference", "stub") else f"{check.kind}: {check.name}"
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True, width=6)
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(Text("  ok" if check.ok else "  FAIL", style="green" if check.ok else "red"), Text(label),
                     _score(check.result.score, check.result.max_score))
        console.print(grid)
        details = []
        if check.kind == "mutant":
            details.append(f"{check.expectation}; lost {check.lost or 'nothing'}")
        elif not check.ok or check.expectation not in ("full marks", "0 points"):
            details.append(f"expected {check.expectation}")
        if check.problem:
            details.append(check.problem)
        if details:
            console.print(wrapped("\n".join(details), 7))
