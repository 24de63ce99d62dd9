"""``autograder stats ASSIGNMENT``: how a cohort did, for the instructor.

What the graders found across submissions, read from the gradebook: per concept the mean,
the best score and the share at full marks, with the known mistakes most students made
(each counted once per submission, with one message a student read about it); per test
the failure rate; and the submissions that crashed, timed out, were rejected or could not
be graded, with the reason.

Which attempts count: by default each student's **latest** attempt (what the student ends
up with, so a student who submitted five times is counted once), whatever its status: an
attempt whose grading failed is listed to be regraded and left out of the scores, never
replaced by an older grade. ``--all-attempts`` counts every attempt (where students get
stuck along the way). ``--since`` / ``--until`` keep attempts that finished in that
period, and are applied first, so ``--until`` the due date gives each student's latest
attempt by then; an attempt with no finishing time (grading never started) is left out
by either.

The numbers are computed by :func:`cohort_stats`, a pure function of the results, and
rendered separately: rich tables for an 80-column terminal, or a self-contained HTML page
(``--html DIR`` writes ``DIR/<assignment>/stats.html``, beside the batch's index). Only
what students were shown is quoted (a test's first line of feedback, a known mistake's
description and hint): never a grader's source, node id or own error.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import jinja2
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .feedback.html import TEMPLATES, safe_file_name
from .feedback.terminal import wrapped
from .feedback.text import evidence_text, output_text
from .gradebook import Gradebook, GradebookMissing, describe, locate
from .i18n import LANGUAGES, Translator, english, translator
from .results import ERROR, GRADED, PRINTED, REJECTED, STATUSES, Diagnosis, GradeResult, TestResult

if TYPE_CHECKING:  # the statistics need no course, only the verb does (and spec brings in the sandbox's limits)
    from .spec import Course

__all__ = ["ConceptStats", "MistakeCount", "Problem", "Stats", "TestStats", "attempts_between", "cohort_stats",
           "latest_attempts", "parse_when", "register", "render_stats_html", "render_stats_terminal", "stats_page",
           "write_stats"]

EPSILON = 1e-9
CRASH, TIMEOUT = "crash", "timeout"
KINDS = (REJECTED, ERROR, TIMEOUT, CRASH)
"""A problem's kinds, in the order they are listed."""
_TIMEOUT = re.compile(r"did not finish in time")
_CRASH = re.compile(r"crashed or timed out|the process exited|terminated by|stopped answering"
                    r"|the answer from your code was unreadable")
"""What :mod:`autograder.remote` says when the student process hung or died
(``StudentTimeout``, ``StudentCrash``, :func:`~autograder.remote.describe_exit`)."""


# -- the numbers ---------------------------------------------------------------------------------


@dataclasses.dataclass
class MistakeCount:
    """A known mistake and how many submissions made it (in one concept)."""

    mistake: str
    description: str
    hint: str
    submissions: int
    example: TestResult = dataclasses.field(repr=False, compare=False)
    """A failed test that named it: its feedback is the sample message."""

    def sample(self, tr: Translator | None = None) -> str:
        """What a student who made it read first, in the reader's language."""
        return sample_line(self.example, tr)


@dataclasses.dataclass
class ConceptStats:
    """One concept over the graded submissions that have it."""

    id: str
    title: str
    points: float
    submissions: int
    mean: float
    best: float
    full: float
    """The share of submissions at full marks."""
    mistakes: list[MistakeCount]
    """Most frequent first."""

    @property
    def mean_share(self) -> float:
        return self.mean / self.points if self.points > 0 else 1.0


@dataclasses.dataclass
class TestStats:
    """One test: how often it failed where it was graded."""

    __test__ = False  # not a pytest test class

    title: str
    concept: str
    graded: int
    failed: int

    @property
    def failure_rate(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


@dataclasses.dataclass
class Problem:
    """An attempt that crashed, timed out, was rejected or could not be graded."""

    student: str
    submission: str
    finished_at: str
    kind: str
    """One of :data:`KINDS`."""
    reason: str
    """What the student was told (stored English)."""
    tests: list[str] = dataclasses.field(default_factory=list)
    """Titles of the tests it concerns (that crashed or timed out, or broke in the graders)."""


@dataclasses.dataclass
class Stats:
    """A cohort's results, ready to render."""

    attempts: int
    students: int
    counts: dict[str, int]
    """Attempts per status (graded, rejected, error)."""
    max_score: float
    mean: float | None
    median: float | None
    concepts: list[ConceptStats]
    """In the rubric's order."""
    tests: list[TestStats]
    """Highest failure rate first (the rubric's order among equals)."""
    problems: list[Problem]

    @property
    def graded(self) -> int:
        return self.counts.get(GRADED, 0)


def sample_line(test: TestResult, tr: Translator | None = None) -> str:
    """A failed test's first line of feedback: from its evidence (the call and what came
    back) where it has some, else its output's first line; never what the student's code
    printed."""
    tr = tr or english()
    if test.evidence is not None:
        return evidence_text(test.evidence, tr).splitlines()[0]
    head = test.output.partition(PRINTED)[0].strip()
    return output_text(head.splitlines()[0], tr) if head else ""


def cohort_stats(results: Iterable[GradeResult]) -> Stats:
    """The statistics of one assignment's attempts (every one given counts: choose them
    with :func:`latest_attempts` and :func:`attempts_between`)."""
    results = list(results)
    graded = [r for r in results if r.status == GRADED]
    scores = [r.score for r in graded]
    return Stats(
        attempts=len(results), students=len({r.student for r in results}),
        counts={status: sum(r.status == status for r in results) for status in STATUSES},
        max_score=max((r.max_score for r in results), default=0.0),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        concepts=_concepts(graded), tests=_tests(graded), problems=_problems(results),
    )


def _concepts(graded: Sequence[GradeResult]) -> list[ConceptStats]:
    titles: dict[str, str] = {}  # first seen first: the rubric's order
    scores: dict[str, list[tuple[float, float]]] = {}
    made: Counter[tuple[str, str]] = Counter()  # (concept, mistake): submissions
    first: dict[tuple[str, str], tuple[Diagnosis, TestResult]] = {}
    for result in graded:
        for test in result.tests:
            titles.setdefault(test.concept, test.concept_title)
        for concept, got_total in result.concept_scores().items():
            scores.setdefault(concept, []).append(got_total)
        named = {}  # once per submission, however many of its tests named the mistake
        for test in result.tests:
            if test.status == "failed" and test.evidence is not None and test.evidence.diagnosis is not None:
                named.setdefault((test.concept, test.evidence.diagnosis.mistake), (test.evidence.diagnosis, test))
        made.update(named.keys())
        for key, seen in named.items():
            first.setdefault(key, seen)
    concepts = []
    for concept, title in titles.items():
        pairs = scores.get(concept, [])
        found = [MistakeCount(mistake, diagnosis.description, diagnosis.hint, made[(c, mistake)], example)
                 for (c, mistake), (diagnosis, example) in first.items() if c == concept]
        found.sort(key=lambda m: (-m.submissions, m.mistake))
        concepts.append(ConceptStats(
            id=concept, title=title, points=max((total for _, total in pairs), default=0.0), submissions=len(pairs),
            mean=statistics.fmean(got for got, _ in pairs) if pairs else 0.0,
            best=max((got for got, _ in pairs), default=0.0),
            full=sum(got >= total - EPSILON for got, total in pairs) / len(pairs) if pairs else 0.0,
            mistakes=found,
        ))
    return concepts


def _tests(graded: Sequence[GradeResult]) -> list[TestStats]:
    """A test is graded where it passed or failed (not where the graders broke)."""
    found: dict[str, TestStats] = {}
    for result in graded:
        for test in result.tests:
            row = found.setdefault(test.name, TestStats(test.name, test.concept, 0, 0))
            if test.status in ("passed", "failed"):
                row.graded += 1
                row.failed += test.status == "failed"
    rows = list(found.values())
    rows.sort(key=lambda t: -t.failure_rate)  # stable: the rubric's order among equals
    return rows


def _problems(results: Sequence[GradeResult]) -> list[Problem]:
    problems = []
    for result in results:
        found: list[tuple[str, str, list[str]]] = []  # (kind, reason, tests)
        if result.status == REJECTED:
            found.append((REJECTED, result.output, []))
        elif result.status == ERROR:
            found.append((ERROR, result.output, [t.name for t in result.tests if t.status == ERROR]))
        for kind, pattern in ((TIMEOUT, _TIMEOUT), (CRASH, _CRASH)):
            reason = _first_line(result.output, pattern)
            tests = []
            for test in result.tests:
                line = _first_line(test.output, pattern) if test.status == "failed" else ""
                if line:
                    reason = reason or line
                    tests.append(test.name)
            if reason and result.status != REJECTED:
                found.append((kind, reason, tests))
        problems += [Problem(result.student, result.submission, result.finished_at, kind, reason, tests)
                     for kind, reason, tests in found]
    problems.sort(key=lambda p: (KINDS.index(p.kind), p.student, p.finished_at))
    return problems


def _first_line(output: str, pattern: re.Pattern[str]) -> str:
    """The first paragraph opening of what grading said that matches ``pattern``: a
    crash or timeout reason opens its paragraph; the lines under it (where it happened in
    the student's code) and what the code printed are the student's, and could say anything."""
    said = output.partition(PRINTED)[0]
    openings = (paragraph.strip().splitlines()[0] for paragraph in said.split("\n\n") if paragraph.strip())
    return next((line.strip() for line in openings if pattern.search(line)), "")


# -- choosing attempts ---------------------------------------------------------------------------


def latest_attempts(results: Iterable[GradeResult]) -> list[GradeResult]:
    """Each student's newest attempt of each assignment (``results`` oldest first, as the
    gradebook gives them), whatever its status."""
    newest = {(r.assignment, r.student): r for r in results}
    return list(newest.values())


def parse_when(text: str, *, end: bool = False) -> dt.datetime:
    """An ISO date (``2027-03-01``) or date and time; a date alone means the start of that
    day, or its end when ``end``; no zone means UTC."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            day = dt.date.fromisoformat(text.strip())
            when = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
        else:
            when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (2027-03-01) or date and time (2027-03-01T23:59)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def attempts_between(results: Iterable[GradeResult], since: dt.datetime | None = None,
                     until: dt.datetime | None = None) -> list[GradeResult]:
    """The attempts that finished in ``[since, until]`` (either may be open)."""
    if since is None and until is None:
        return list(results)
    kept = []
    for result in results:
        try:
            finished = parse_when(result.finished_at)
        except ValueError:
            continue  # no finishing time: it cannot be placed in the period
        if (since is None or finished >= since) and (until is None or finished <= until):
            kept.append(result)
    return kept


# -- words ---------------------------------------------------------------------------------------


def kind_word(kind: str, tr: Translator) -> str:
    words = {REJECTED: tr("rejected"), ERROR: tr("grading failed"), TIMEOUT: tr("timed out"), CRASH: tr("crashed")}
    return words.get(kind, kind)


def _when(finished_at: str) -> str:
    """``2027-03-01 10:00`` from an ISO time (as it was stored when it is not one)."""
    try:
        return dt.datetime.fromisoformat(finished_at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return finished_at or "-"


def _scope(all_attempts: bool, tr: Translator) -> str:
    return tr("every attempt") if all_attempts else tr("each student's latest attempt")


def _reason(problem: Problem, tr: Translator) -> str:
    """The reason as the student read it, and the tests it concerns."""
    text = output_text(problem.reason, tr)
    if len(problem.tests) == 1:
        text += "\n" + tr("in: {test}").format(test=tr.title(problem.tests[0]))
    elif problem.tests:
        text += "\n" + tr("in {count} tests, the first: {test}").format(count=len(problem.tests),
                                                                      test=tr.title(problem.tests[0]))
    return text


def _never_failed(stats: Stats, tr: Translator) -> str:
    """Tests are listed where some submission failed them; the others are counted."""
    count = sum(t.failed == 0 for t in stats.tests)
    return tr("{count} other test(s) passed in every graded submission.").format(count=count) if count else ""


def _number(value: float) -> str:
    return f"{value:.3g}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


# -- the terminal --------------------------------------------------------------------------------


def render_stats_terminal(console: Console, stats: Stats, title: str, *, all_attempts: bool = False,
                          tr: Translator | None = None) -> None:
    """The statistics as tables and wrapped text that read at 80 columns."""
    tr = tr or english()
    console.print(Text(title, style="bold"))
    console.print(wrapped(_summary(stats, all_attempts, tr), 2))
    console.print()
    if stats.concepts:
        table = Table(title=tr("Per concept ({count} graded submission(s))").format(count=stats.graded),
                      title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(tr("concept"), overflow="fold", ratio=1)
        table.add_column(tr("mean"), justify="right", no_wrap=True)
        table.add_column(tr("best"), justify="right", no_wrap=True)
        table.add_column(tr("at full marks"), justify="right", no_wrap=True)
        for concept in stats.concepts:
            table.add_row(Text.assemble(tr.text(concept.title), " ", (f"[{concept.id}]", "cyan")),
                          f"{_number(concept.mean)} / {_number(concept.points)}", _number(concept.best),
                          _percent(concept.full))
        console.print(table)
    else:
        console.print(tr("No submission was graded."))
    with_mistakes = [c for c in stats.concepts if c.mistakes]
    if with_mistakes:
        console.print(Text(tr("Known mistakes (submissions that made each)"), style="bold"))
        for concept in with_mistakes:
            console.print(Text.assemble("  ", (tr.text(concept.title), "bold"), " ", (f"[{concept.id}]", "cyan")))
            for found in concept.mistakes:
                console.print(wrapped(f"{found.submissions} × {found.mistake}: {tr.text(found.description)}", 4))
                console.print(wrapped(tr("Hint: {hint}").format(hint=tr.text(found.hint)), 8))
                sample = found.sample(tr)
                if sample:
                    console.print(wrapped(tr("A student read: {message}").format(message=sample), 8))
        console.print()
    failing = [t for t in stats.tests if t.failed]
    if failing:
        table = Table(title=tr("Per test (failed of graded)"), title_justify="left", box=box.SIMPLE_HEAD,
                      pad_edge=False)
        table.add_column(tr("test"), overflow="fold", ratio=1)
        table.add_column(tr("concept"), overflow="fold", max_width=18)
        table.add_column(tr("failed"), justify="right", no_wrap=True)
        table.add_column(tr("rate"), justify="right", no_wrap=True)
        for test in failing:
            style = "red" if test.failure_rate >= 0.5 else ""
            table.add_row(tr.title(test.title), test.concept, f"{test.failed} / {test.graded}",
                          Text(_percent(test.failure_rate), style=style))
        console.print(table)
    if stats.tests and _never_failed(stats, tr):
        console.print(wrapped(_never_failed(stats, tr), 0))
        console.print()
    if stats.problems:
        table = Table(title=tr("Crashed, timed out, rejected or not graded"), title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False, leading=1)
        table.add_column(tr("student"), no_wrap=True)
        table.add_column(tr("what"), no_wrap=True)
        table.add_column(tr("reason"), overflow="fold", ratio=1, min_width=20)
        for problem in stats.problems:
            table.add_row(Text.assemble(problem.student, "\n", (_when(problem.finished_at), "dim")),
                          kind_word(problem.kind, tr), _reason(problem, tr))
        console.print(table)


def _attempts_line(stats: Stats, all_attempts: bool, tr: Translator) -> str:
    return tr("{count} attempt(s) by {students} student(s), {scope}").format(
        count=stats.attempts, students=stats.students, scope=_scope(all_attempts, tr))


def _summary(stats: Stats, all_attempts: bool, tr: Translator) -> str:
    parts = [_attempts_line(stats, all_attempts, tr)]
    counts = [tr("{count} graded").format(count=stats.counts.get(GRADED, 0))]
    if stats.counts.get(REJECTED):
        counts.append(tr("{count} rejected").format(count=stats.counts[REJECTED]))
    if stats.counts.get(ERROR):
        counts.append(tr("{count} failed to grade").format(count=stats.counts[ERROR]))
    parts.append(", ".join(counts))
    if stats.mean is not None and stats.median is not None:
        parts.append(tr("mean {mean} / {points}, median {median}").format(
            mean=_number(stats.mean), points=_number(stats.max_score), median=_number(stats.median)))
    return "; ".join(parts)


# -- HTML ----------------------------------------------------------------------------------------

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template: students' names and their code's messages are untrusted
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)
_environment.filters.update(number=_number, percent=_percent, when=_when)


def render_stats_html(stats: Stats, title: str, *, all_attempts: bool = False, index_href: str | None = None,
                      tr: Translator | None = None) -> str:
    """The statistics as one self-contained page (inline CSS, no scripts, escaped), with
    a link back to the batch's index when ``index_href`` is given."""
    tr = tr or english()
    return _environment.get_template("stats.html.j2").render(
        s=stats, title=title, scope=_attempts_line(stats, all_attempts, tr), index_href=index_href, tr=tr,
        kind=lambda k: kind_word(k, tr), reason=lambda p: _reason(p, tr), never_failed=_never_failed(stats, tr),
    )


def stats_page(*, all_attempts: bool = False, tr: Translator | None = None
               ) -> Callable[[Sequence[GradeResult]], str]:
    """What :func:`autograder.feedback.html.write_reports` takes as ``stats`` to write
    ``stats.html`` beside each assignment's index (and link the two)."""
    def render(results: Sequence[GradeResult]) -> str:
        title = results[0].assignment if results else ""
        return render_stats_html(cohort_stats(results), title, all_attempts=all_attempts, index_href="index.html",
                                 tr=tr)

    return render


def write_stats(results: Sequence[GradeResult], folder: Path, *, all_attempts: bool = False,
                tr: Translator | None = None) -> list[Path]:
    """``<folder>/<assignment>/stats.html`` per assignment in ``results``; returns the paths."""
    grouped: dict[str, list[GradeResult]] = {}
    for result in results:
        grouped.setdefault(result.assignment, []).append(result)
    written = []
    for assignment, members in grouped.items():
        directory = Path(folder) / safe_file_name(assignment)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "stats.html"
        index = "index.html" if (directory / "index.html").exists() else None
        path.write_text(render_stats_html(cohort_stats(members), assignment, all_attempts=all_attempts,
                                          index_href=index, tr=tr), encoding="utf-8")
        written.append(path)
    return written


# -- the verb ------------------------------------------------------------------------------------


def _date(end: bool) -> Callable[[str], dt.datetime]:
    def parse(text: str) -> dt.datetime:
        try:
            return parse_when(text, end=end)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def register(verb: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``stats`` to the command line (``verb(name, help)`` makes a sub-parser)."""
    stats = verb("stats", "how a cohort did: per concept and test, known mistakes, crashes and timeouts")
    stats.add_argument("assignment")
    which = stats.add_mutually_exclusive_group()
    which.add_argument("--latest", dest="all_attempts", action="store_false",
                       help="each student's latest attempt, whatever its status (default)")
    which.add_argument("--all-attempts", dest="all_attempts", action="store_true", help="every attempt")
    stats.set_defaults(all_attempts=False)
    stats.add_argument("--since", type=_date(end=False), metavar="DATE",
                       help="attempts that finished on or after DATE (ISO: 2027-03-01 or 2027-03-01T09:00)")
    stats.add_argument("--until", type=_date(end=True), metavar="DATE",
                       help="attempts that finished on or before DATE (a date alone: until the end of that day)")
    stats.add_argument("--gradebook", help="SQLite file or SQLAlchemy URL (default: $AUTOGRADER_GRADEBOOK, else "
                                           "gradebook.db in the course folder)")
    stats.add_argument("--html", metavar="DIR", help="also write DIR/<assignment>/stats.html")
    stats.add_argument("--lang", choices=LANGUAGES, help="the language of the output: " + " or ".join(LANGUAGES)
                       + " (default: $AUTOGRADER_LANG, else the locale's language, else en)")
    stats.set_defaults(run=run)


def run(args: argparse.Namespace, course: Course) -> int:
    """The ``stats`` verb: read, choose, count, render."""
    from .cli import Exit, UsageError  # here: the command line imports this module

    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    location, why = locate(args.gradebook, course.root)
    try:
        with Gradebook.open(location, create=False) as gradebook:
            results = gradebook.results(args.assignment)
            present = sorted({row["assignment"] for row in gradebook.attempts()}) if not results else []
    except GradebookMissing:
        raise UsageError(f"there is no gradebook at {describe(location)} (from {why}): nothing has been graded "
                         "into it. Grade first, or name the gradebook with --gradebook or "
                         "$AUTOGRADER_GRADEBOOK.") from None
    if not results:
        raise UsageError(f"no attempts of {args.assignment!r} in the gradebook {describe(location)} "
                         f"(assignments in it: {', '.join(present) or 'none'})")
    chosen = attempts_between(results, args.since, args.until)
    if not args.all_attempts:
        chosen = latest_attempts(chosen)
    if not chosen:
        raise UsageError(f"none of the {len(results)} attempt(s) of {args.assignment} in the gradebook "
                         f"{describe(location)} finished in that period")
    folders, title = [], args.assignment
    if args.assignment in course.assignment_ids():  # else graded in an earlier term: English titles
        assignment = course.assignment(args.assignment)
        folders, title = [assignment.solution_dir, assignment.directory], f"{assignment.id}: {assignment.title}"
    tr = translator(args.lang, folders)
    stats = cohort_stats(chosen)
    render_stats_terminal(out, stats, title, all_attempts=args.all_attempts, tr=tr)
    if args.html:
        for path in write_stats(chosen, Path(args.html), all_attempts=args.all_attempts, tr=tr):
            err.print(f"wrote {path}", soft_wrap=True)  # a path is never broken
    return Exit.OK
