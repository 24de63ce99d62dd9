"""The gradebook: every graded attempt with its verdicts, in SQLite (stdlib ``sqlite3``).

One row per attempt, keyed by (assignment, student, content hash, grader hash): grading
the same content with the same graders again replaces that row instead of adding one, so
regrading is idempotent. Every write is one transaction; WAL mode and a busy timeout let
several batches share one file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sqlite3
from pathlib import Path
from typing import IO, Iterator

from .scoring import GradeResult
from .spec import SpecError

DEFAULT_PATH = "gradebook.db"

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id            INTEGER PRIMARY KEY,
    assignment    TEXT NOT NULL,
    student       TEXT NOT NULL,
    submission    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    grader_hash   TEXT NOT NULL,
    status        TEXT NOT NULL,
    score         REAL NOT NULL,
    max_score     REAL NOT NULL,
    feedback      TEXT NOT NULL,
    result        TEXT NOT NULL,
    seed          TEXT NOT NULL,
    sandbox       TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    UNIQUE (assignment, student, content_hash, grader_hash)
);
CREATE TABLE IF NOT EXISTS verdicts (
    attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    test        TEXT NOT NULL,
    concept     TEXT NOT NULL,
    status      TEXT NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    message     TEXT NOT NULL,
    duration    REAL NOT NULL,
    PRIMARY KEY (attempt_id, test)
);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (student, assignment, finished_at);
"""


def sqlite_path(url: str) -> str:
    """A file path, or an SQLAlchemy-style ``sqlite:///relative.db`` / ``sqlite:////abs.db`` URL."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    if scheme not in ("sqlite", "sqlite+pysqlite"):
        raise SpecError(f"unsupported gradebook URL {url!r}: only sqlite:/// URLs or file paths")
    path = rest[1:] if rest.startswith("/") else rest
    return path or ":memory:"


class Gradebook:
    def __init__(self, url: str = DEFAULT_PATH):
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 60000")
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def record(self, result: GradeResult, feedback: dict) -> int:
        """Store one attempt (replacing an identical earlier one) in a single transaction."""
        with self._transaction():
            self.db.execute(
                "DELETE FROM attempts WHERE assignment=? AND student=? AND content_hash=? AND grader_hash=?",
                (result.assignment, result.student, result.content_hash, result.grader_hash),
            )
            cursor = self.db.execute(
                "INSERT INTO attempts (assignment, student, submission, content_hash, grader_hash, status, score,"
                " max_score, feedback, result, seed, sandbox, started_at, finished_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (result.assignment, result.student, result.submission, result.content_hash, result.grader_hash,
                 result.status, result.score, result.max_score, json.dumps(feedback), json.dumps(result.to_dict()),
                 result.seed, json.dumps(result.sandbox), result.started_at, result.finished_at),
            )
            attempt = cursor.lastrowid
            self.db.executemany(
                "INSERT INTO verdicts VALUES (?,?,?,?,?,?,?,?)",
                [(attempt, t.test, t.concept, t.status, t.score, t.max_score, t.output, t.duration)
                 for t in result.tests],
            )
        return attempt

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def has(self, assignment: str, student: str, content_hash: str, grader_hash: str) -> bool:
        """Whether this content was already graded by these graders (for --resume)."""
        row = self.db.execute(
            "SELECT 1 FROM attempts WHERE assignment=? AND student=? AND content_hash=? AND grader_hash=?",
            (assignment, student, content_hash, grader_hash),
        ).fetchone()
        return row is not None

    def attempts(self, assignment: str | None = None) -> list[sqlite3.Row]:
        query = "SELECT * FROM attempts" + (" WHERE assignment=?" if assignment else "") + " ORDER BY student, assignment, finished_at, id"
        return list(self.db.execute(query, (assignment,) if assignment else ()))

    def results(self, assignment: str | None = None) -> Iterator[GradeResult]:
        for row in self.attempts(assignment):
            yield GradeResult.from_dict(json.loads(row["result"]))

    def latest(self) -> dict[tuple[str, str], sqlite3.Row]:
        """The newest attempt of every (student, assignment)."""
        newest: dict[tuple[str, str], sqlite3.Row] = {}
        for row in self.attempts():
            newest[(row["student"], row["assignment"])] = row
        return newest

    def export_csv(self, out: IO[str]) -> None:
        """A per-student, per-assignment table of the latest scores."""
        newest = self.latest()
        assignments = sorted({a for _, a in newest})
        students = sorted({s for s, _ in newest})
        writer = csv.writer(out)
        writer.writerow(["student", *assignments])
        for student in students:
            writer.writerow([student, *(
                f"{newest[(student, a)]['score']:g}" if (student, a) in newest else "" for a in assignments
            )])
