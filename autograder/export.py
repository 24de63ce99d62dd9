"""Grades out of the gradebook, as CSV files that LMS gradebooks import.

``autograder export --csv`` writes one of four shapes, one row per student:

- ``scores`` (the default, unchanged for the scripts that read it): ``student`` and a
  column per assignment holding the score that counts (after any late penalty);
- ``generic``: the same, and per assignment the raw score (before the penalty), the
  submission time and the late-penalty sentence the student read;
- ``canvas``: Canvas's gradebook import: ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section``, then a column per assignment. Canvas matches an
  assignment by the number in ``Name (12345)`` or else by its name, and creates an
  assignment for a column it does not know, so the raw score is left out: it would
  become an assignment of its own;
- ``moodle``: Moodle's CSV grade import: an identifier column (mapped to a user field
  when importing: ``Username``, ``Email address`` or ``ID number``), then per assignment
  its grade and a ``... feedback`` column (the penalty sentence with the raw score,
  empty when on time) to map to the item's feedback, or to ignore.

Which attempt: the latest (as before) or the best, each a grade (an ``error`` attempt
counts only where there is nothing else, and leaves its cell empty). Students are
named by intake's names; a roster (CSV with a ``student`` column and the LMS's own
columns) maps them to the LMS's identifiers, and a columns file (YAML ``id: header`` or
CSV ``assignment,column``) names each assignment's column as the LMS knows it.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Mapping

import yaml

from .gradebook import Gradebook, GradebookError, GradebookMissing, describe, locate
from .i18n import LANGUAGES, Translator, english, translator
from .late_notice import number
from .results import ERROR
from .spec import SpecError

if TYPE_CHECKING:
    from .spec import Course

__all__ = ["ATTEMPTS", "FORMATS", "ExportError", "Written", "choose", "load_columns", "load_roster", "register",
           "run", "write_csv"]

FORMATS = ("scores", "generic", "canvas", "moodle")
ATTEMPTS = ("latest", "best")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
DEFAULT_ID_COLUMN = {"scores": "student", "generic": "student", "canvas": "SIS Login ID", "moodle": "Username"}


class ExportError(SpecError):
    """A roster or columns file cannot be used; says which and why."""


@dataclasses.dataclass
class Written:
    """What an export left for the instructor to look at."""

    ungraded: int = 0
    """Cells left empty: every attempt there is an ``error``."""
    unknown: list[str] = dataclasses.field(default_factory=list)
    """Students the roster does not list (their own names were written instead)."""


def choose(rows: Iterable[Mapping[str, Any]], attempt: str = "latest") -> dict[tuple[str, str], Mapping[str, Any]]:
    """One attempt per (student, assignment) from attempt rows in time order: the latest
    or the best (highest score that counts; the later of equals); an ``error`` attempt
    only where nothing else exists."""
    if attempt not in ATTEMPTS:
        raise ValueError(f"attempt must be one of {', '.join(ATTEMPTS)}, not {attempt!r}")
    chosen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in rows:
        key = (row["student"], row["assignment"])
        held = chosen.get(key)
        if held is None or held["status"] == ERROR:
            chosen[key] = row
        elif row["status"] != ERROR and (attempt == "latest" or row["score"] >= held["score"]):
            chosen[key] = row
    return chosen


def _points(value: float) -> str:
    return f"{value:g}"


def _raw(row: Mapping[str, Any]) -> float:
    raw = row.get("raw_score")
    return float(raw) if raw is not None else float(row["score"])


def _lookup(entry: Mapping[str, str], column: str) -> str | None:
    """A roster cell by header, ignoring case."""
    for key, value in entry.items():
        if key.strip().lower() == column.strip().lower():
            return value
    return None


def write_csv(out: IO[str], rows: Iterable[Mapping[str, Any]], *, format: str = "scores", attempt: str = "latest",
              id_column: str | None = None, roster: Mapping[str, Mapping[str, str]] | None = None,
              columns: Mapping[str, str] | None = None, titles: Mapping[str, str] | None = None,
              tr: Translator | None = None) -> Written:
    """Write the chosen attempt of every student and assignment in ``format``.

    ``rows`` are gradebook attempt rows oldest first (:meth:`Gradebook.attempts`);
    ``columns`` names an assignment's column (default: its id, or for Canvas and Moodle
    its title from ``titles``); ``id_column`` heads the student column, whose cells come
    from the roster's column of that name, else the student's own name.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    tr = tr or english()
    chosen = choose(rows, attempt)
    assignment_ids = sorted({a for _, a in chosen})
    students = sorted({s for s, _ in chosen})
    id_column = id_column or DEFAULT_ID_COLUMN[format]
    lms = format in ("canvas", "moodle")
    headers = {a: (columns or {}).get(a) or ((titles or {}).get(a) or a if lms else a) for a in assignment_ids}
    written = Written()

    def graded(student: str, assignment: str) -> Mapping[str, Any] | None:
        row = chosen.get((student, assignment))
        if row is not None and row["status"] == ERROR:
            written.ungraded += 1
            return None
        return row

    def identity(student: str, column: str) -> str:
        """The roster's cell, else the student's name in the id column (and as Canvas's
        display name), else nothing."""
        value = _lookup((roster or {}).get(student) or {}, column)
        if value:
            return value
        return student if column == id_column or (format == "canvas" and column == "Student") else ""

    if roster is not None:
        written.unknown = [s for s in students if s not in roster]
    writer = csv.writer(out)
    if format == "canvas":
        fixed = list(CANVAS_IDENTITY) + ([id_column] if id_column not in CANVAS_IDENTITY else [])
        writer.writerow([*fixed, *(headers[a] for a in assignment_ids)])
    elif format == "moodle":
        writer.writerow([id_column, *(h for a in assignment_ids for h in (headers[a], f"{headers[a]} feedback"))])
    elif format == "generic":
        writer.writerow([id_column, *(h for a in assignment_ids for h in (
            headers[a], f"{headers[a]} raw", f"{headers[a]} submitted_at", f"{headers[a]} late penalty"))])
    else:
        writer.writerow([id_column, *(headers[a] for a in assignment_ids)])
    for student in students:
        cells: list[str] = []
        for assignment in assignment_ids:
            row = graded(student, assignment)
            score = _points(row["score"]) if row else ""
            if format == "generic":
                cells += [score, _points(_raw(row)) if row else "", (row.get("submitted_at") or "") if row else "",
                          tr.text(row.get("penalty_reason") or "") if row else ""]
            elif format == "moodle":
                reason = (row.get("penalty_reason") or "") if row else ""
                cells += [score, tr("{reason} Score before the penalty: {raw} of {max}.").format(
                    reason=tr.text(reason), raw=number(_raw(row)), max=number(row["max_score"]))
                    if reason and row else ""]
            else:
                cells.append(score)
        if format == "canvas":
            writer.writerow([*(identity(student, column) for column in fixed), *cells])
        else:
            writer.writerow([identity(student, id_column), *cells])
    return written


# --------------------------------------------------------------------------- files


def load_roster(path: Path) -> dict[str, dict[str, str]]:
    """A CSV file with a ``student`` column (intake's names) and the LMS's columns."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip() for f in reader.fieldnames or []]
            key = next((f for f in reader.fieldnames or [] if f.strip().lower() == "student"), None)
            if key is None:
                raise ExportError(f"{path}: a roster needs a student column (found: {', '.join(fields) or 'none'})")
            roster: dict[str, dict[str, str]] = {}
            for line, row in enumerate(reader, 2):
                name = (row.get(key) or "").strip()
                if not name:
                    raise ExportError(f"{path}: line {line}: no student named")
                if name in roster:
                    raise ExportError(f"{path}: line {line}: {name} appears twice")
                roster[name] = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k != key}
            return roster
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def load_columns(path: Path) -> dict[str, str]:
    """Each assignment's column header in the LMS: YAML ``a4_bleu: "A4 BLEU (12345)"`` or
    CSV with the columns ``assignment`` and ``column``."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict) or not all(isinstance(v, (str, int)) for v in data.values()):
                raise ExportError(f"{path}: must be a mapping of assignment id: column header")
            return {str(k): str(v) for k, v in data.items()}
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                    for row in csv.DictReader(handle)]
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise ExportError(f"{path}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if rows and not {"assignment", "column"} <= set(rows[0]):
        raise ExportError(f"{path}: needs the columns assignment and column (found: {', '.join(rows[0])})")
    return {row["assignment"]: row["column"] for row in rows}


# --------------------------------------------------------------------------- the verb


def register(verb: Any) -> None:
    """The ``export`` verb (replaces the one that only wrote today's shape: with no new
    option it writes exactly that)."""
    export = verb("export", "export a score per student and assignment as CSV for a spreadsheet or an LMS")
    export.add_argument("--csv", action="store_true", default=True, help="CSV (the only format)")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.add_argument("--gradebook", help="SQLite file or SQLAlchemy URL (default: $AUTOGRADER_GRADEBOOK, else "
                                            "gradebook.db in the course folder)")
    export.add_argument("--format", choices=FORMATS, default="scores",
                        help="scores (default): student and a score per assignment; generic: also the raw score, "
                             "the submission time and the late penalty; canvas or moodle: their grade imports")
    export.add_argument("--attempt", choices=ATTEMPTS, default="latest",
                        help="which attempt of each student counts (default: latest)")
    export.add_argument("--id-column", metavar="HEADER",
                        help="the student column's header, filled from the roster's column of that name (default: "
                             "student; canvas: SIS Login ID; moodle: Username)")
    export.add_argument("--roster", metavar="FILE",
                        help="CSV with a student column (names as graded) and the LMS's identifier columns")
    export.add_argument("--columns", metavar="FILE",
                        help="each assignment's column in the LMS: YAML (a4_bleu: 'A4 BLEU (12345)') or CSV "
                             "(assignment,column)")
    export.add_argument("--lang", choices=LANGUAGES, help="the language of the penalty sentences (default: "
                                                          "$AUTOGRADER_LANG, else the locale's language, else en)")
    export.set_defaults(run=run)


def _titles(course: "Course | None", ids: Iterable[str]) -> dict[str, str]:
    if course is None:
        return {}
    known = set(course.assignment_ids())
    return {a: course.assignment(a).title for a in ids if a in known}


def run(args: argparse.Namespace, course: "Course") -> int:
    """Write the export; 0, or 2 (through the CLI's errors) without a gradebook or attempts."""
    from rich.console import Console

    err = Console(stderr=True, highlight=False)
    location, why = locate(args.gradebook, course.root if course is not None else None)
    try:
        book = Gradebook.open(location, create=False)
    except GradebookMissing:
        raise GradebookError(
            f"there is no gradebook at {describe(location)} (from {why}): nothing has been graded into it. "
            "Grade first, or name the gradebook with --gradebook or $AUTOGRADER_GRADEBOOK.") from None
    with book:
        rows = book.attempts()
    if not rows:
        raise GradebookError(f"the gradebook {describe(location)} has no attempts yet: nothing to export")
    assignment_ids = sorted({r["assignment"] for r in rows})
    folders: list[Path | None] = []
    for assignment_id in assignment_ids:
        if course is not None and assignment_id in course.assignment_ids():
            assignment = course.assignment(assignment_id)
            folders += [assignment.solution_dir, assignment.directory]
    tr = translator(getattr(args, "lang", None), folders)
    options = dict(format=args.format, attempt=args.attempt, id_column=args.id_column,
                   roster=load_roster(Path(args.roster)) if args.roster else None,
                   columns=load_columns(Path(args.columns)) if args.columns else None,
                   titles=_titles(course, assignment_ids), tr=tr)
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as handle:
            written = write_csv(handle, rows, **options)  # type: ignore[arg-type]
        err.print(tr("wrote {file}").format(file=args.output))
    else:
        written = write_csv(sys.stdout, rows, **options)  # type: ignore[arg-type]
    if written.ungraded:
        err.print(tr("{count} cell(s) left empty: every attempt there is an error (the graders or the framework "
                     "failed); regrade them with `autograder grade ... --resume`").format(count=written.ungraded))
    if written.unknown:
        err.print(tr("{count} student(s) not in the roster, written under their own names: {names}").format(
            count=len(written.unknown), names=", ".join(written.unknown)))
    return 0
