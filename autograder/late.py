"""Late work: an assignment's late policy, per-student extensions and submission times.

``assignment.yaml`` may give a ``late_policy`` beside its ``due``::

    due: 2027-03-01T23:59
    late_policy:
      timezone: Asia/Seoul   # how to read a time without an offset (default UTC)
      grace: 15m             # late by at most this is on time (m, h or d)
      penalty: 10%           # of the maximum, per started day (or a fraction: 0.1)
      per: day               # or hour
      cap: 50%               # never more than this in all
      until: 2027-03-05T23:59  # hard deadline: no credit after it

Lateness counts from the due date (the grace period forgives, it does not move the
due date), and every started day or hour counts whole. The penalty is a share of the
maximum score taken off the raw score (never below 0); after ``until`` nothing is kept.
An extension moves the student's due date, and ``until`` by as much.

When a submission was made, first found wins: ``--submitted-at`` (for every submission
in the run); a manifest (``--manifest FILE``, else ``submissions.csv`` or
``manifest.csv`` beside the submissions: columns ``student`` and ``submitted_at``); the
newest file date inside a zip archive, the newest file in a folder, or a file's own date.
File dates come from the student's clock or from the download, so the CLI says how many
times it took from them: export the LMS's submission times as a manifest where possible.

Everything here is a pure function of its arguments except reading files; the grading
pipeline never calls it: :mod:`autograder.batch` applies the penalty in the trusted
process as each result arrives (locally or from a cluster).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import re
import zipfile
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import yaml

from .late_notice import message, number
from .results import GRADED, GradeResult
from .spec import SpecError

if TYPE_CHECKING:
    from .i18n import Translator
    from .spec import Assignment

__all__ = ["Dating", "LateError", "LatePolicy", "Penalty", "apply", "dating", "due_instant", "load_extensions", "load_manifest",
           "message", "metadata_time", "parse_time", "penalty", "submission_times"]

UNITS = {"day": dt.timedelta(days=1), "hour": dt.timedelta(hours=1)}
MANIFEST_NAMES = ("submissions.csv", "manifest.csv")
ON_TIME, GRACE, LATE, CLOSED = "on_time", "grace", "late", "closed"
"""A penalty's kind."""

_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?)\s*", re.I)
_DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class LateError(SpecError):
    """An extensions file, a manifest or a submission time cannot be read; says which and why
    (a :class:`SpecError`: the CLI answers with exit code 2)."""


# --------------------------------------------------------------------------- times


def due_instant(assignment: "Assignment") -> str | None:
    """The assignment's ``due`` as an instant with its offset (read in the late policy's
    timezone, a date alone at the end of that day), so that reports show ``after_due_date``
    checks at the moment penalties start; without a policy, ``due`` as written."""
    policy = getattr(assignment, "late_policy", None)
    if assignment.due is None or policy is None:
        return assignment.due
    return parse_time(assignment.due, policy.zone, end_of_day=True).isoformat()


def parse_time(value: Any, zone: dt.tzinfo = dt.timezone.utc, *, end_of_day: bool = False) -> dt.datetime:
    """An aware time from ISO text (or what YAML made of it). A time without an offset is
    in ``zone``; a date alone is its last instant with ``end_of_day`` (a due date), else
    its first."""
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return parse_time(dt.date.fromisoformat(text), zone, end_of_day=end_of_day)
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not an ISO date (2027-03-01) or date and time "
                             "(2027-03-01T23:59, 2027-03-01T23:59+09:00)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=zone)


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def _duration(value: Any) -> dt.timedelta:
    """``15m``, ``2h``, ``1d`` or ``0``. Three units need no library."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return dt.timedelta(0)
    match = _DURATION.fullmatch(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"must be a duration such as 15m, 2h or 1d, got {value!r}")
    return dt.timedelta(**{_DURATION_UNITS[match[2][0].lower()]: float(match[1])})


def _share(value: Any) -> float:
    """A share of the maximum: a fraction (0.1) or a percent ('10%')."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            share = float(value.strip()[:-1]) / 100
        except ValueError:
            share = -1.0
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        share = float(value)
    else:
        share = -1.0
    if not 0 <= share <= 1:
        raise ValueError(f"must be a fraction from 0 to 1 (0.1) or a percent ('10%'), got {value!r}")
    return share


# --------------------------------------------------------------------------- the policy


@dataclasses.dataclass(frozen=True)
class LatePolicy:
    """How late work is charged (``late_policy`` in ``assignment.yaml``)."""

    penalty: float = 0.0
    """Share of the maximum taken off per started ``per``."""
    per: str = "day"
    grace: dt.timedelta = dt.timedelta(0)
    cap: float = 1.0
    """The most taken off in all (the hard deadline aside)."""
    until: dt.datetime | None = None
    """No credit after this."""
    timezone: str = "UTC"
    """How times without an offset are read (due, until, extensions, manifests)."""

    @property
    def zone(self) -> dt.tzinfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str) -> "LatePolicy":
        """Validated fields; a ValueError names ``where``, the field and the problem."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}: must be a mapping of grace, penalty, per, cap, until, timezone")
        allowed = {"grace", "penalty", "per", "cap", "until", "timezone"}
        for key in data:
            if key not in allowed:
                raise ValueError(f"{where}.{key}: unknown field (allowed: {', '.join(sorted(allowed))})")

        def field(name: str, convert, default):  # type: ignore[no-untyped-def]
            if name not in data:
                return default
            try:
                return convert(data[name])
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{where}.{name}: {exc}") from None

        timezone = field("timezone", _zone_name, "UTC")
        per = field("per", _unit, "day")
        zone = zoneinfo.ZoneInfo(timezone)
        until = field("until", lambda v: parse_time(v, zone, end_of_day=True), None)
        return cls(penalty=field("penalty", _share, 0.0), per=per, grace=field("grace", _duration, dt.timedelta(0)),
                   cap=field("cap", _share, 1.0), until=until, timezone=timezone)

    def check_due(self, due: str | None, *, where: str) -> dt.datetime:
        """The due date as a time; a policy needs one, and ``until`` must come after it."""
        if due is None:
            raise ValueError(f"{where}: a late policy needs a due date (due: 2027-03-01T23:59)")
        try:
            when = parse_time(due, self.zone, end_of_day=True)
        except ValueError as exc:
            raise ValueError(f"{where.rsplit('late_policy', 1)[0]}due: {exc}") from None
        if self.until is not None and self.until <= when:
            raise ValueError(f"{where}.until: the hard deadline {_iso(self.until)} must come after the due date "
                             f"{_iso(when)}")
        return when


def _zone_name(value: Any) -> str:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be a time zone name such as UTC or Asia/Seoul, got {value!r}") from None
    return str(value)


def _unit(value: Any) -> str:
    if value not in UNITS:
        raise ValueError(f"must be one of {', '.join(UNITS)}, got {value!r}")
    return str(value)


@dataclasses.dataclass(frozen=True)
class Penalty:
    """What lateness costs: a share of the maximum, and why."""

    fraction: float
    days_late: float
    """How late, in days (0 when on time)."""
    reason: str
    """``on time``, ``within the grace period``, ``late by 2 days``, ``late by 9 days
    (capped at 50%)``, ``after the hard deadline``: English, for callers and logs (an
    attempt stores the student's sentence instead, which is translated)."""
    kind: str = ON_TIME
    units: int = 0
    """Started days or hours charged."""
    per: str = "day"


def penalty(policy: LatePolicy, due: dt.datetime, submitted_at: dt.datetime) -> Penalty:
    """The penalty for a submission made at ``submitted_at`` against ``due`` (both aware)."""
    late = submitted_at - due
    days = round(max(late.total_seconds(), 0) / 86400, 2)
    if late <= dt.timedelta(0):
        return Penalty(0.0, 0.0, "on time")
    if policy.until is not None and submitted_at > policy.until:
        return Penalty(1.0, days, "after the hard deadline", CLOSED)
    if late <= policy.grace:
        return Penalty(0.0, days, "within the grace period", GRACE)
    units = math.ceil(late / UNITS[policy.per])
    charged = round(units * policy.penalty, 6)
    fraction = min(charged, policy.cap)
    reason = f"late by {units} {policy.per}{'s' if units != 1 else ''}"
    if charged > policy.cap:
        reason += f" (capped at {number(policy.cap * 100)}%)"
    return Penalty(fraction, days, reason, LATE, units, policy.per)


def extended(policy: LatePolicy, due: dt.datetime, new_due: dt.datetime | None) -> tuple[LatePolicy, dt.datetime]:
    """The policy and due date of a student with an extension: ``until`` moves as far."""
    if new_due is None:
        return policy, due
    until = policy.until + (new_due - due) if policy.until is not None else None
    return dataclasses.replace(policy, until=until), new_due


def apply(result: GradeResult, assignment: "Assignment", submitted_at: dt.datetime | None,
          extension: dt.datetime | None = None) -> GradeResult:
    """Record when ``result`` was submitted and, for a graded attempt of an assignment
    with a late policy, charge the penalty: ``raw_score`` keeps what the tests earned,
    ``score`` what counts, and ``output`` starts with the sentence that says so."""
    if submitted_at is not None:
        result.submitted_at = _iso(submitted_at)
    policy = getattr(assignment, "late_policy", None)
    if policy is None or submitted_at is None or result.status != GRADED:
        return result
    policy, due = extended(policy, parse_time(assignment.due, policy.zone, end_of_day=True), extension)
    found = penalty(policy, due, submitted_at)
    raw = result.score
    result.raw_score = raw
    result.penalty = found.fraction
    result.score = round(max(0.0, raw - found.fraction * result.max_score), 6)
    result.penalty_reason = message(found, raw, result.score)  # translatable, unlike found.reason
    result.output = "\n\n".join(part for part in (result.penalty_reason, result.output) if part)
    return result


# --------------------------------------------------------------------------- files


def _rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows keyed by lower-case header."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                    for row in csv.DictReader(handle)]
    except OSError as exc:
        raise LateError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _times(pairs: Sequence[tuple[int | str, str, Any]], path: Path, zone: dt.tzinfo, end_of_day: bool,
           ) -> dict[str, dt.datetime]:
    found: dict[str, dt.datetime] = {}
    for where, student, value in pairs:
        if not student:
            raise LateError(f"{path}: {where}: no student named")
        if student in found:
            raise LateError(f"{path}: {where}: {student} appears twice")
        try:
            found[student] = parse_time(value, zone, end_of_day=end_of_day)
        except ValueError as exc:
            raise LateError(f"{path}: {where}: {exc}") from None
    return found


def load_extensions(path: Path, zone: dt.tzinfo = dt.timezone.utc) -> dict[str, dt.datetime]:
    """Per-student due dates: a YAML mapping ``student: new due`` or a CSV file with the
    columns ``student`` and ``due``."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise LateError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        except yaml.YAMLError as exc:
            raise LateError(f"{path}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(data, dict):
            raise LateError(f"{path}: must be a mapping of student: new due date")
        return _times([(str(k), str(k), v) for k, v in data.items()], path, zone, True)
    rows = _rows(path)
    if rows and not {"student", "due"} <= set(rows[0]):
        raise LateError(f"{path}: needs the columns student and due (found: {', '.join(rows[0])})")
    return _times([(f"line {n}", r["student"], r["due"]) for n, r in enumerate(rows, 2)], path, zone, True)


def load_manifest(path: Path, zone: dt.tzinfo = dt.timezone.utc) -> dict[str, dt.datetime]:
    """Submission times from a CSV file with the columns ``student`` (as intake names
    them: the folder, archive or file name) and ``submitted_at``."""
    path = Path(path)
    rows = _rows(path)
    if rows and not {"student", "submitted_at"} <= set(rows[0]):
        raise LateError(f"{path}: needs the columns student and submitted_at (found: {', '.join(rows[0])})")
    return _times([(f"line {n}", r["student"], r["submitted_at"]) for n, r in enumerate(rows, 2)], path, zone, False)


def find_manifests(sources: Sequence[Path]) -> list[Path]:
    """``submissions.csv`` or ``manifest.csv`` in the folders holding the submissions."""
    folders = dict.fromkeys(Path(s).absolute().parent for s in sources)
    return [folder / name for folder in folders for name in MANIFEST_NAMES if (folder / name).is_file()]


def metadata_time(source: Path, zone: dt.tzinfo = dt.timezone.utc) -> dt.datetime | None:
    """When a submission was last changed, by its files' dates: the newest member of a
    zip (stored without a zone: read in ``zone``), the newest file of a folder, else the
    file's own date. None where nothing can be read."""
    source = Path(source)
    try:
        if source.is_dir():
            from .intake import SKIPPED_NAMES

            stamps = [p.stat().st_mtime for p in source.rglob("*")
                      if p.is_file() and not p.is_symlink()
                      and not SKIPPED_NAMES.intersection(p.relative_to(source).parts)]
            return dt.datetime.fromtimestamp(max(stamps), dt.timezone.utc) if stamps else None
        if source.suffix == ".zip":
            try:
                with zipfile.ZipFile(source) as archive:
                    dates = [info.date_time for info in archive.infolist() if not info.is_dir()]
                if dates:
                    return dt.datetime(*max(dates), tzinfo=zone)
            except (zipfile.BadZipFile, ValueError):
                pass  # intake rejects it; the file's own date will do
        return dt.datetime.fromtimestamp(source.stat().st_mtime, dt.timezone.utc)
    except OSError:
        return None


@dataclasses.dataclass
class Dating:
    """When each submission of a batch was made, and the students' extensions."""

    times: list[dt.datetime | None]
    origins: list[str]
    """Where each time came from: ``--submitted-at``, ``manifest``, ``file date`` or ``unknown``."""
    extensions: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)
    manifests: list[Path] = dataclasses.field(default_factory=list)

    def notes(self, tr: "Translator | None" = None) -> list[str]:
        """Lines for the instructor (stderr) about where the times came from."""
        from .i18n import english

        tr = tr or english()
        lines = [tr("Submission times from {files}").format(files=", ".join(map(str, self.manifests)))
                 ] if self.manifests else []
        from_files = self.origins.count("file date")
        if from_files:
            lines.append(tr("{count} submission time(s) taken from file dates (the student's clock or the download "
                            "time): pass --manifest or --submitted-at for the LMS's times").format(count=from_files))
        unknown = self.origins.count("unknown")
        if unknown:
            lines.append(tr("{count} submission(s) with no known time: no late penalty charged").format(count=unknown))
        return lines


def submission_times(sources: Sequence[Path], names: Sequence[str], *, given: dt.datetime | None = None,
                     manifest: Mapping[str, dt.datetime] | None = None, zone: dt.tzinfo = dt.timezone.utc,
                     ) -> tuple[list[dt.datetime | None], list[str]]:
    """Each submission's time and where it came from: ``given``, then ``manifest`` (by
    student name), then the files' dates (:func:`metadata_time`)."""
    times: list[dt.datetime | None] = []
    origins = []
    for source, name in zip(sources, names):
        if given is not None:
            when, origin = given, "--submitted-at"
        elif manifest and name in manifest:
            when, origin = manifest[name], "manifest"
        else:
            when = metadata_time(source, zone)
            origin = "file date" if when is not None else "unknown"
        times.append(when)
        origins.append(origin)
    return times, origins


def dating(assignment: "Assignment", sources: Sequence[Path], *, students: Sequence[str | None] | None = None,
           submitted_at: str | None = None, manifest: str | None = None, extensions: str | None = None,
           recorded: Mapping[str, dt.datetime] | None = None) -> Dating:
    """What ``grade`` needs to date a batch, from its options (``--submitted-at``,
    ``--manifest``, ``--extensions``) and the times a collecting tool ``recorded`` by
    student (nbgrader's timestamps; a manifest overrides them); raises :class:`LateError`
    for a bad file or time."""
    from .intake import student_name

    policy = getattr(assignment, "late_policy", None)
    zone = policy.zone if policy is not None else dt.timezone.utc
    names = [student or student_name(Path(source), assignment)
             for source, student in zip(sources, students or [None] * len(sources))]
    given = None
    if submitted_at:
        try:
            given = parse_time(submitted_at, zone)
        except ValueError as exc:
            raise LateError(f"--submitted-at: {exc}") from None
    manifests = [Path(manifest)] if manifest else ([] if given else find_manifests(sources))
    found: dict[str, dt.datetime] = dict(recorded or {})
    for path in manifests:
        for student, when in load_manifest(path, zone).items():
            if student in found and student not in (recorded or {}):
                raise LateError(f"{path}: {student} is also in another manifest")
            found[student] = when
    times, origins = submission_times(sources, names, given=given, manifest=found, zone=zone)
    return Dating(times, origins, load_extensions(Path(extensions), zone) if extensions else {}, manifests)


def add_grade_arguments(grade: Any) -> None:
    """``grade``'s options for late work (``grade`` is its argparse sub-parser)."""
    grade.add_argument("--submitted-at", metavar="ISO",
                       help="when every submission in this run was made (2027-03-01T23:59+09:00; a time without an "
                            "offset is in the late policy's timezone); default: a manifest, else the files' dates")
    grade.add_argument("--manifest", metavar="FILE",
                       help="CSV with the columns student and submitted_at (default: submissions.csv or manifest.csv "
                            "beside the submissions)")
    grade.add_argument("--extensions", metavar="FILE",
                       help="per-student due dates: YAML (student: 2027-03-08T23:59) or CSV with student and due")
