"""HTML feedback pages: one self-contained report per attempt, and an index per batch.

Why HTML: a report is opened from an e-mail, an LMS or a shared folder, on a laptop or a
phone, long after the terminal has scrolled away. So each page is a single file (inline
CSS, no scripts, and a Content-Security-Policy that forbids fetching anything) that can be
mailed, uploaded or opened offline, and that reads at phone width.

What a page shows is decided here, not in the templates:

- A failed check is rendered from its :class:`~autograder.results.Evidence` (the call,
  what came back beside what was expected, the rule, a known mistake's hint, the notes);
  only a check without evidence falls back to its ``output`` as preformatted text.
- A student's page leaves withheld checks out entirely (no title, output or points, in
  the concepts' totals or the score): ``hidden`` and ``after_published`` ones always,
  ``after_due_date`` ones until the due date has passed. One line says that some checks
  are hidden. The instructor's page shows everything and marks what students do not see.
- Everything is escaped (jinja2 autoescape): students' printed output is untrusted text.
- Every word is in the reader's language: the templates call ``tr("...")`` for their own
  words and ``tr.text(...)`` for what grading stored (:mod:`autograder.i18n`), and the
  page's ``lang`` is that language (so a browser picks Korean glyphs for Hangul).
- A passed or failed check whose data holds a record :mod:`.pictures` can draw (an
  attention matrix, a beam's steps, BLEU's precisions, ...) shows it as an inline SVG in a
  ``<figure>``, its words in the reader's language. That SVG is the one piece
  of markup not escaped by the template: it is built by our own code from numbers, with
  every string in it escaped by matplotlib's SVG writer, and marked safe only then. A
  check left out of a student's page takes its pictures with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import statistics
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..i18n import Translator, english
from ..results import GRADED, GradeResult, TestResult
from .pictures import pictures_for
from .text import output_text, printed_text, visibility_text

__all__ = ["AUDIENCES", "past_due", "render_index", "render_report", "safe_file_name", "write_reports"]

AUDIENCES = ("student", "instructor")
TEMPLATES = Path(__file__).resolve().parent / "templates"
EPSILON = 1e-9
HISTOGRAM_BINS = 10


def _status_label(status: str, tr: Translator) -> str:
    """An attempt's status as its page says it."""
    labels = {"graded": tr("graded"), "rejected": tr("not graded"), "error": tr("grading failed — not your fault")}
    return labels.get(status, status)


STATUSES = ("graded", "rejected", "error")

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its extension: student output is untrusted
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _score(value: float) -> str:
    return f"{value:.4g}"


def _points(value: float) -> str:
    return f"{value:.3g}"


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


_environment.filters.update(score=_score, points=_points, percent=_percent)


# -- one attempt ---------------------------------------------------------------------------------


@dataclasses.dataclass
class _Test:
    test: TestResult
    badge: str
    """What students do not see of it (instructor pages only), or ""."""
    printed: str
    """What the student's code printed, shown beside the evidence (it is not part of it)."""
    pictures: list[tuple[str, Markup]] = dataclasses.field(default_factory=list)
    """(caption, inline ``<svg>``) drawn from the test's data (see :mod:`.pictures`)."""


@dataclasses.dataclass
class _Concept:
    id: str
    title: str
    got: float
    total: float
    tests: list[_Test]
    incomplete: bool
    """A check of it broke in the graders: its points are not final."""
    lecture: str = ""
    """Where the lecture teaches it, shown when points were lost."""

    @property
    def full(self) -> bool:
        return self.got >= self.total - EPSILON

    @property
    def share(self) -> float:
        return self.got / self.total if self.total > 0 else 1.0


def _parse_due(due: str) -> tuple[dt.datetime | dt.date, bool]:
    """The due date or time, and whether it is a date alone."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", due.strip()):
            return dt.date.fromisoformat(due.strip()), True
        return dt.datetime.fromisoformat(due.strip()), False
    except ValueError:
        raise ValueError(f"due: {due!r} is not an ISO date (2027-03-01) or date and time (2027-03-01T23:59)") from None


def past_due(due: str | None, now: dt.datetime | None = None) -> bool:
    """Whether ``after_due_date`` checks are shown: no due date, or ``now`` is past it.
    A date alone is due at the end of that day; a time without a zone is UTC when ``now``
    has one."""
    if due is None:
        return True
    now = now or dt.datetime.now(dt.timezone.utc)
    when, date_only = _parse_due(due)
    if date_only:
        return now.date() > when
    assert isinstance(when, dt.datetime)
    if (when.tzinfo is None) != (now.tzinfo is None):
        when, now = (w.replace(tzinfo=dt.timezone.utc) if w.tzinfo is None else w for w in (when, now))
    return now > when


def shown_to_students(test: TestResult, due_passed: bool) -> bool:
    """Whether a student may read this check (``due_passed``: :func:`past_due`)."""
    if test.visibility == "visible":
        return True
    if test.visibility == "after_due_date":
        return due_passed
    return False  # hidden, after_published, and anything unknown: withheld


def _pictures(test: TestResult, tr: Translator) -> list[tuple[str, Markup]]:
    """The test's pictures, for a passed or failed test (an ``error`` one's data is not to
    be trusted: the graders broke while making it). The SVG is marked safe here, after
    :func:`.pictures.pictures_for` built it; the caption stays text, escaped by the template."""
    if test.status not in ("passed", "failed"):
        return []
    return [(caption, Markup(svg)) for caption, svg in pictures_for(test, tr)]


def _concepts(tests: Iterable[TestResult], instructor: bool, tr: Translator) -> list[_Concept]:
    """The tests grouped by concept, in the rubric's order."""
    grouped: dict[str, list[TestResult]] = {}
    for test in tests:
        grouped.setdefault(test.concept, []).append(test)
    concepts = []
    for concept, members in grouped.items():
        views = [_Test(t, visibility_text(t.visibility, tr) if instructor and t.visibility != "visible"
                       else "", printed_text(t), _pictures(t, tr)) for t in members]
        concepts.append(_Concept(
            id=concept, title=tr.text(members[0].concept_title),
            got=sum(t.score for t in members), total=sum(t.max_score for t in members),
            tests=views, incomplete=any(t.status == "error" for t in members), lecture=members[0].lecture,
        ))
    return concepts


def render_report(result: GradeResult, *, audience: str = "student", now: dt.datetime | None = None,
                  due: str | None = None, tr: Translator | None = None) -> str:
    """One attempt as a self-contained HTML page, for a student (withheld checks left out)
    or an instructor (everything, withheld checks marked, the graders' own errors shown),
    in ``tr``'s language."""
    tr = tr or english()
    if audience not in AUDIENCES:
        raise ValueError(f"audience: {audience!r} is not one of {', '.join(AUDIENCES)}")
    instructor = audience == "instructor"
    due_passed = past_due(due, now)
    tests = result.tests if instructor else [t for t in result.tests if shown_to_students(t, due_passed)]
    withheld = len(result.tests) - len(tests)
    withheld_until_due = (not instructor and not due_passed
                          and any(t.visibility == "after_due_date" for t in result.tests))
    if withheld:
        score, max_score = sum(t.score for t in tests), sum(t.max_score for t in tests)
    else:
        score, max_score = result.score, result.max_score
    return _environment.get_template("report.html.j2").render(
        r=result, instructor=instructor, concepts=_concepts(tests, instructor, tr),
        score=score, max_score=max_score, withheld=withheld, withheld_until_due=withheld_until_due, due=due,
        status_label=_status_label(result.status, tr), tr=tr, output=lambda text: output_text(text, tr),
        passed=sum(t.status == "passed" for t in tests), shown=len(tests),
    )


# -- a batch -------------------------------------------------------------------------------------


def safe_file_name(name: str) -> str:
    """A file name made from a student's or an assignment's name: letters (any script),
    digits, ``.``, ``-`` and ``_`` only, no leading dot, at most 120 bytes, never empty
    nor ``index`` or ``stats`` (the pages beside the students')."""
    name = unicodedata.normalize("NFKC", name).strip()
    name = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "student"
    while len(name.encode("utf-8")) > 120:  # file systems count bytes (255 at most)
        name = name[:-1]
    return f"{name}_" if name.lower() in ("index", "stats") else name


def _file_names(results: Sequence[GradeResult]) -> list[str]:
    """A distinct file name (without ``.html``) per result of one assignment: two
    students whose names make the same file name (or differ only in case) get ``-2``, ..."""
    taken: set[str] = set()
    names = []
    for result in results:
        base = safe_file_name(result.student)
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def _by_assignment(results: Iterable[GradeResult]) -> dict[str, list[GradeResult]]:
    grouped: dict[str, list[GradeResult]] = {}
    for result in results:
        grouped.setdefault(result.assignment, []).append(result)
    return grouped


def _lost(result: GradeResult, tr: Translator) -> str:
    """Like the terminal's batch table: the concepts that lost points, or why the
    submission was not graded."""
    if result.status != GRADED:
        return output_text(result.output, tr)
    return ", ".join(c for c, (got, total) in result.concept_scores().items() if got < total - EPSILON)


def _histogram(results: Sequence[GradeResult]) -> list[dict[str, Any]]:
    """Graded submissions per tenth of the maximum score (the last tenth includes it)."""
    counts = [0] * HISTOGRAM_BINS
    for result in results:
        share = result.score / result.max_score if result.max_score > 0 else 0.0
        counts[min(HISTOGRAM_BINS - 1, max(0, int(share * HISTOGRAM_BINS + EPSILON)))] += 1
    tallest = max(counts, default=0) or 1
    step = 100 // HISTOGRAM_BINS
    last = HISTOGRAM_BINS - 1
    return [{"label": f"{i * step}–{(i + 1) * step - (i < last)}%", "count": count, "width": 100 * count / tallest}
            for i, count in enumerate(counts)]


def _concept_table(results: Sequence[GradeResult], tr: Translator) -> list[dict[str, Any]]:
    """Per concept, over the graded submissions: its points, the mean, the share at full marks."""
    rows: dict[str, dict[str, Any]] = {}
    for result in results:
        titles = {t.concept: tr.text(t.concept_title) for t in result.tests}
        for concept, (got, total) in result.concept_scores().items():
            row = rows.setdefault(concept, {"id": concept, "title": titles[concept], "total": total, "scores": []})
            row["total"] = max(row["total"], total)
            row["scores"].append((got, total))
    for row in rows.values():
        scores = row.pop("scores")
        row["mean"] = statistics.fmean(got for got, _ in scores)
        row["full"] = sum(got >= total - EPSILON for got, total in scores) / len(scores)
        row["mean_share"] = row["mean"] / row["total"] if row["total"] > 0 else 1.0
    return list(rows.values())


def _section(assignment: str, results: list[GradeResult], prefix: str, tr: Translator) -> dict[str, Any]:
    graded = [r for r in results if r.status == GRADED]
    rows = [{"r": r, "href": prefix + quote(name) + ".html", "lost": _lost(r, tr)}
            for r, name in zip(results, _file_names(results), strict=True)]
    scores = [r.score for r in graded]
    return {
        "assignment": assignment, "rows": rows, "graded": len(graded),
        "counts": {s: sum(r.status == s for r in results) for s in STATUSES},
        "max_score": max((r.max_score for r in results), default=0.0),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "concepts": _concept_table(graded, tr), "histogram": _histogram(graded),
    }


def render_index(results: list[GradeResult], title: str, tr: Translator | None = None,
                 stats_href: str | None = None) -> str:
    """A batch as one self-contained page: a row per submission linked to its report
    (``<student>.html`` beside the index), a table per concept (mean, share at full
    marks) and a histogram of the scores as CSS bars. Several assignments make one
    section each, linked as ``<assignment>/<student>.html``. ``stats_href`` links the
    cohort's statistics page (``autograder stats``) when given."""
    tr = tr or english()
    grouped = _by_assignment(results)
    several = len(grouped) > 1
    sections = [_section(assignment, members, f"{quote(safe_file_name(assignment))}/" if several else "", tr)
                for assignment, members in grouped.items()]
    return _environment.get_template("index.html.j2").render(title=title, sections=sections, total=len(results),
                                                             tr=tr, status=lambda s: _status_label(s, tr),
                                                             stats_href=stats_href)


def write_reports(results: Iterable[GradeResult], folder: Path, *, audience: str = "student", due: str | None = None,
                  now: dt.datetime | None = None, tr: Translator | None = None,
                  stats: Callable[[Sequence[GradeResult]], str] | None = None) -> list[Path]:
    """``<folder>/<assignment>/<student>.html`` per result and an ``index.html`` per
    assignment; returns the paths written (each assignment's reports, then its index).
    ``stats`` (:func:`autograder.stats.stats_page`: given, not imported, since the
    statistics are built above this module) renders an assignment's ``stats.html``,
    written after the index, which links to it."""
    written = []
    for assignment, members in _by_assignment(results).items():
        directory = Path(folder) / safe_file_name(assignment)
        directory.mkdir(parents=True, exist_ok=True)
        for result, name in zip(members, _file_names(members), strict=True):
            path = directory / f"{name}.html"
            path.write_text(render_report(result, audience=audience, now=now, due=due, tr=tr), encoding="utf-8")
            written.append(path)
        index = directory / "index.html"
        stats_href = "stats.html" if stats is not None else None
        index.write_text(render_index(members, assignment, tr, stats_href=stats_href), encoding="utf-8")
        written.append(index)
        if stats is not None:
            page = directory / "stats.html"
            page.write_text(stats(members), encoding="utf-8")
            written.append(page)
    return written
