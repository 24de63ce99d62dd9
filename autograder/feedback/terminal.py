"""Terminal rendering with rich: one submission in detail, or a batch as a summary."""

from __future__ import annotations

from typing import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..scoring import GradeResult

STATUS_STYLE = {"passed": "green", "failed": "red", "graded": "green", "rejected": "yellow", "error": "magenta"}


def _score(result: GradeResult) -> str:
    return f"{result.score:.4g} / {result.max_score:.4g}"


def render_result(console: Console, result: GradeResult, *, feedback_lines: int = 6) -> None:
    """Every test with its concept, points and what went wrong."""
    console.print(Text.assemble(
        (result.student, "bold"), f"  {result.assignment}  ", (_score(result), "bold"),
        "  ", (result.status, STATUS_STYLE.get(result.status, "")),
    ))
    if result.output:
        console.print(result.output)
    if not result.tests:
        return
    table = Table(show_lines=False, expand=True)
    table.add_column("concept", style="cyan", no_wrap=True)
    table.add_column("test")
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("feedback", ratio=2)
    for test in result.tests:
        mark = Text("✓ " if test.status == "passed" else "✗ ", style=STATUS_STYLE[test.status])
        lines = test.output.splitlines()
        feedback = "\n".join(lines[:feedback_lines]) + ("\n…" if len(lines) > feedback_lines else "")
        table.add_row(test.concept, mark + Text(test.name), f"{test.score:.3g}/{test.max_score:.3g}", feedback)
    console.print(table)


def render_check(console: Console, result: GradeResult) -> None:
    """A student's view of the public tests: what passed, and what to fix next."""
    if result.status != "graded":
        console.print(Text(result.output, style=STATUS_STYLE.get(result.status, "")))
        return
    passed = sum(t.status == "passed" for t in result.tests)
    for test in result.tests:
        if test.status == "passed":
            console.print(Text.assemble(("  ✓ ", "green"), test.name))
        else:
            console.print(Text.assemble(("  ✗ ", "red"), (test.name, "bold")))
            for line in test.output.splitlines():
                console.print("      " + line, highlight=False, markup=False)
    style = "green" if passed == len(result.tests) else "yellow"
    console.print(Text(f"\n{passed} of {len(result.tests)} public tests pass.", style=style))
    if passed == len(result.tests):
        console.print("The hidden tests check more cases: read the README's concepts once more before you hand in.")


def render_batch(console: Console, results: Iterable[GradeResult], title: str = "") -> None:
    table = Table(title=title or None)
    for column in ("student", "assignment", "score", "status", "seconds", "failed concepts"):
        table.add_column(column, justify="right" if column in ("score", "seconds") else "left")
    for result in results:
        lost = [c for c, (got, total) in result.concept_scores().items() if got < total - 1e-9]
        table.add_row(
            result.student, result.assignment, _score(result),
            Text(result.status, style=STATUS_STYLE.get(result.status, "")),
            f"{result.execution_time:.2f}", ", ".join(lost) if result.status == "graded" else result.output[:60],
        )
    console.print(table)
