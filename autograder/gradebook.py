"""The gradebook: every graded attempt, in SQLite by default or any database SQLAlchemy reaches.

One row per attempt in ``attempts`` and one per test in ``tests`` (the only copy of a
result: Gradescope JSON and terminal tables are rendered from it). An attempt is keyed by
(assignment, student, content hash, grader hash), so grading the same content with the
same graders again replaces that row instead of adding one. Every write is one
transaction.

Where it is (:func:`locate`): ``--gradebook``, else ``$AUTOGRADER_GRADEBOOK``, else
``gradebook.db`` in the course folder. A location is a file path (SQLite) or an
SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/course`` for staff who grade from
several machines into one gradebook.

Concurrency. Several batches may share one SQLite file: it is put in WAL mode (readers
never wait for the writer), every connection waits up to 60 s for a lock
(``busy_timeout``), and every write transaction starts with ``BEGIN IMMEDIATE``. The last
matters: pysqlite's default deferred transaction begins as a reader and upgrades to a
writer at its first write, and when two connections try to upgrade at once SQLite
refuses one at once with "database is locked", without waiting, because waiting could
deadlock. The same holds for schema creation and the switch to WAL, which therefore run
once per file, under the write lock, and only when the file is not already set up.

Schema versions. ``schema_info`` holds the version; opening an older gradebook migrates
it in place, inside one write transaction (version 1, which had no ``schema_info``,
stored each attempt three times: Gradescope JSON, result JSON and a ``verdicts`` table).

Late work. ``score`` is what counts: after a late penalty where the assignment has a
late policy (:mod:`autograder.late`); ``raw_score`` keeps what the tests earned (NULL
where no policy applied, then it is ``score``), beside ``submitted_at``, ``penalty`` (the
share of the maximum taken off) and ``penalty_reason`` (the sentence the student read).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import IO, Any, Callable, Iterator, TypeVar

from sqlalchemy import (
    JSON, Column, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, create_engine,
    delete, event, func, inspect, insert, select, text,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError, SQLAlchemyError

from .extras import require
from .results import Evidence, GradeResult, TestResult

log = logging.getLogger(__name__)
T = TypeVar("T")

SCHEMA_VERSION = 5
FILENAME = "gradebook.db"
ENVIRONMENT_VARIABLE = "AUTOGRADER_GRADEBOOK"
BUSY_TIMEOUT_SECONDS = 60
RETRY_DEADLINE_SECONDS = 120

metadata = MetaData()

schema_info = Table(
    "schema_info", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assignment", String(255), nullable=False),
    Column("student", String(255), nullable=False),
    Column("submission", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("grader_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("output", Text, nullable=False, default=""),
    Column("execution_time", Float, nullable=False, default=0.0),
    Column("seed", String(64), nullable=False),
    Column("sandbox", JSON, nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40), nullable=False),
    Column("submitted_at", String(40), nullable=False, server_default=""),
    Column("raw_score", Float, nullable=True),
    Column("penalty", Float, nullable=False, server_default="0"),
    Column("penalty_reason", Text, nullable=False, server_default=""),
    UniqueConstraint("assignment", "student", "content_hash", "grader_hash", name="attempt_identity"),
)
Index("attempts_by_student", attempts.c.student, attempts.c.assignment, attempts.c.finished_at)

tests = Table(
    "tests", metadata,
    Column("attempt_id", Integer, ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("test", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("concept", String(255), nullable=False),
    Column("concept_title", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("output", Text, nullable=False),
    Column("visibility", String(32), nullable=False),
    Column("duration", Float, nullable=False),
    Column("data", JSON, nullable=False),
    Column("evidence", JSON, nullable=True),
    Column("lecture", Text, nullable=False, server_default=""),
)

_ATTEMPT_FIELDS = ("assignment", "student", "submission", "content_hash", "grader_hash", "status", "score",
                   "max_score", "output", "execution_time", "seed", "sandbox", "started_at", "finished_at", "submitted_at",
                   "raw_score", "penalty", "penalty_reason")
_TEST_FIELDS = ("test", "name", "concept", "concept_title", "status", "score", "max_score", "output", "visibility",
                "duration", "data", "lecture")


class GradebookError(Exception):
    """The gradebook cannot be opened or used; the message says what to do."""


class GradebookMissing(GradebookError):
    """No gradebook exists at the location (and it was not to be created)."""


# --------------------------------------------------------------------------- location


def locate(explicit: str | None, course_root: Path | None) -> tuple[str, str]:
    """The gradebook's location and why: ``--gradebook``, else ``$AUTOGRADER_GRADEBOOK``,
    else ``gradebook.db`` in the course folder (else in the current folder)."""
    if explicit:
        return explicit, "--gradebook"
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return os.environ[ENVIRONMENT_VARIABLE], f"${ENVIRONMENT_VARIABLE}"
    if course_root is not None:
        return str(course_root / FILENAME), "the course folder"
    return str(Path.cwd() / FILENAME), "the current folder"


def to_url(location: str) -> URL:
    """A file path becomes an SQLite URL; anything with ``://`` is an SQLAlchemy URL."""
    if "://" not in location:
        return URL.create("sqlite", database=str(Path(location).expanduser().resolve()))
    try:
        return make_url(location)
    except ArgumentError as exc:
        raise GradebookError(f"{location!r} is not a gradebook location (a file path or an SQLAlchemy URL): "
                             f"{exc}") from None


def describe(location: str) -> str:
    """The location as people should see it: a file path, or the URL without its password."""
    url = to_url(location)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(url.database)
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


# --------------------------------------------------------------------------- the store


class Gradebook:
    """One gradebook; use as a context manager (``with Gradebook.open(...) as book``)."""

    def __init__(self, location: str = FILENAME, *, create: bool = True):
        self.location = location
        self.url = to_url(location)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        path = _sqlite_file(self.url)
        if path is not None and not path.exists():
            if not create:
                raise GradebookMissing(f"there is no gradebook at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = self._engine()
        try:
            self._set_up(create)
        except BaseException:
            self.engine.dispose()
            raise

    @classmethod
    def open(cls, location: str, *, create: bool = True) -> "Gradebook":
        return cls(location, create=create)

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- connections ----------------------------------------------------------------------
    def _engine(self) -> Engine:
        try:
            if not self.is_sqlite:
                if self.url.get_backend_name() == "postgresql":
                    require("postgres", "a PostgreSQL gradebook")
                return create_engine(self.url, pool_pre_ping=True)
            engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        except (NoSuchModuleError, ImportError, ArgumentError) as exc:
            raise GradebookError(f"cannot use the gradebook {describe(self.location)}: {exc}") from None

        @event.listens_for(engine, "connect")
        def configure(dbapi_connection: Any, record: Any) -> None:
            # Transactions are begun explicitly below, not by the driver (SQLAlchemy's
            # documented recipe for pysqlite), so that writers can begin IMMEDIATE.
            dbapi_connection.isolation_level = None
            dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def begin(connection: Connection) -> None:
            writing = connection.get_execution_options().get("autograder_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection, connection.begin():
                yield connection
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise GradebookError(f"cannot read the gradebook {describe(self.location)}: {reason}") from None

    @contextlib.contextmanager
    def _writing(self, connection: Connection | None = None) -> Iterator[Connection]:
        """One write transaction: on SQLite it takes the write lock first (BEGIN IMMEDIATE),
        so it waits its turn instead of being refused half-way; elsewhere a plain one."""
        with contextlib.ExitStack() as stack:
            if connection is None:
                connection = stack.enter_context(self.engine.connect())
            connection.execution_options(autograder_write=True)
            stack.enter_context(connection.begin())
            yield connection

    # -- schema ----------------------------------------------------------------------------
    def _set_up(self, create: bool) -> None:
        """Create, or migrate to, the current schema. Nothing is written when the file is
        already current, so readers never take the write lock."""

        def set_up() -> None:
            with self.engine.connect() as connection:
                self._set_up_once(connection, create)

        self._retrying(set_up, "open")

    def _retrying(self, operation: Callable[[], T], doing: str) -> T:
        """Run ``operation``, again while SQLite refuses without waiting: the busy timeout
        covers ordinary contention, but a connection that arrives while the last one to
        leave cleans up the WAL, or while another recovers it after a crash, is refused
        at once (https://sqlite.org/wal.html, "sometimes queries return SQLITE_BUSY")."""
        deadline = time.monotonic() + RETRY_DEADLINE_SECONDS
        while True:
            try:
                return operation()
            except (SQLAlchemyError, sqlite3.OperationalError) as exc:
                reason = getattr(exc, "orig", None) or exc
                busy = isinstance(exc, (OperationalError, sqlite3.OperationalError)) and _is_busy(reason)
                if time.monotonic() > deadline or not busy:
                    raise GradebookError(f"cannot {doing} the gradebook {describe(self.location)}: {reason}") from None
                log.debug("gradebook busy, retrying to %s: %s", doing, reason)
                time.sleep(0.1)

    def _set_up_once(self, connection: Connection, create: bool) -> None:
        if _sqlite_file(self.url) is not None:
            # Outside any transaction (SQLite refuses the switch inside one), on the driver's
            # connection. WAL mode persists in the file: only its first opener switches.
            driver = connection.connection.driver_connection
            if str(driver.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                driver.execute("PRAGMA journal_mode = WAL")
        if _version(connection) == SCHEMA_VERSION:
            connection.rollback()
            return
        connection.rollback()
        with self._writing(connection):
            if self.url.get_backend_name() == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(73217401)"))  # one initialiser at a time
            version = _version(connection)
            if version is None:
                if not create:
                    raise GradebookMissing(f"there is no gradebook at {describe(self.location)}")
                metadata.create_all(connection)
                _set_version(connection, SCHEMA_VERSION)
                log.info("created the gradebook %s", describe(self.location))
            elif version > SCHEMA_VERSION:
                raise GradebookError(
                    f"the gradebook {describe(self.location)} has schema version {version}, newer than this "
                    f"autograder understands ({SCHEMA_VERSION}); upgrade the autograder")
            else:
                for step in range(version, SCHEMA_VERSION):
                    log.info("migrating the gradebook %s from schema %d to %d", describe(self.location), step, step + 1)
                    MIGRATIONS[step](connection)
                _set_version(connection, SCHEMA_VERSION)

    # -- writing ---------------------------------------------------------------------------
    def record(self, result: GradeResult) -> int:
        """Store one attempt (replacing an identical earlier one) in a single transaction;
        returns its id."""

        def store() -> int:
            try:
                with self._writing() as connection:
                    return _insert(connection, result)
            except IntegrityError:  # a concurrent batch stored the same attempt first: replace it
                with self._writing() as connection:
                    return _insert(connection, result)

        return self._retrying(store, "write to")

    # -- reading ---------------------------------------------------------------------------
    def attempts(self, assignment: str | None = None, student: str | None = None) -> list[dict[str, Any]]:
        """Attempt rows (without their tests), ordered by student, assignment and time."""
        with self._reading() as connection:
            return [dict(row._mapping) for row in connection.execute(_attempts_query(assignment, student))]

    def results(self, assignment: str | None = None, student: str | None = None) -> list[GradeResult]:
        """Whole attempts, tests included, in the order of :meth:`attempts`."""
        with self._reading() as connection:
            rows = [dict(row._mapping) for row in connection.execute(_attempts_query(assignment, student))]
            ids = [row["id"] for row in rows]
            by_attempt: dict[int, list[TestResult]] = {i: [] for i in ids}
            for start in range(0, len(ids), 500):
                query = (select(tests).where(tests.c.attempt_id.in_(ids[start:start + 500]))
                         .order_by(tests.c.attempt_id, tests.c.position))
                for test in connection.execute(query):
                    fields = test._mapping
                    by_attempt[fields["attempt_id"]].append(TestResult(
                        **{k: fields[k] for k in _TEST_FIELDS}, evidence=Evidence.from_dict(fields["evidence"])))
        return [GradeResult(tests=by_attempt[row["id"]], **{k: row[k] for k in _ATTEMPT_FIELDS}) for row in rows]

    def students(self, assignment: str | None = None) -> list[str]:
        query = select(attempts.c.student).distinct().order_by(attempts.c.student)
        if assignment:
            query = query.where(attempts.c.assignment == assignment)
        with self._reading() as connection:
            return list(connection.execute(query).scalars())

    def graded_hashes(self, assignment: str, student: str, grader_hash: str) -> frozenset[str]:
        """Content hashes of this student's submissions these graders already graded (for
        ``--resume``; an ``error`` attempt is not a grade and is graded again)."""
        query = select(attempts.c.content_hash).where(
            attempts.c.assignment == assignment, attempts.c.student == student,
            attempts.c.grader_hash == grader_hash, attempts.c.content_hash != "", attempts.c.status != "error")
        with self._reading() as connection:
            return frozenset(connection.execute(query).scalars())

    def count(self) -> int:
        with self._reading() as connection:
            return int(connection.execute(select(func.count()).select_from(attempts)).scalar_one())

    def check_integrity(self) -> list[str]:
        """Problems SQLite finds in the file (``PRAGMA integrity_check`` and
        ``foreign_key_check``); empty when all is well or for other databases, which keep
        their own."""
        if not self.is_sqlite:
            return []
        with self._reading() as connection:
            found = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            problems = [] if found == ["ok"] else found
            problems += [f"foreign key: {tuple(row)}" for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]
        return problems

    def latest(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The newest attempt of every (student, assignment) that is a grade: an ``error``
        attempt (the graders or the framework failed) counts only where nothing else exists."""
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.attempts():
            key = (row["student"], row["assignment"])
            if row["status"] != "error" or newest.get(key, row)["status"] == "error":
                newest[key] = row
        return newest

    def export_csv(self, out: IO[str]) -> int:
        """A per-student, per-assignment table of the latest scores; a cell is empty where
        every attempt is an ``error`` (returns how many such cells, to regrade)."""
        newest = self.latest()
        assignment_ids = sorted({a for _, a in newest})
        students = sorted({s for s, _ in newest})
        writer = csv.writer(out)
        writer.writerow(["student", *assignment_ids])
        for student in students:
            writer.writerow([student, *(
                f"{newest[(student, a)]['score']:g}"
                if (student, a) in newest and newest[(student, a)]["status"] != "error" else ""
                for a in assignment_ids
            )])
        return sum(row["status"] == "error" for row in newest.values())


def _attempts_query(assignment: str | None, student: str | None):  # type: ignore[no-untyped-def]
    query = select(attempts).order_by(attempts.c.student, attempts.c.assignment, attempts.c.finished_at, attempts.c.id)
    if assignment:
        query = query.where(attempts.c.assignment == assignment)
    if student:
        query = query.where(attempts.c.student == student)
    return query


def _insert(connection: Connection, result: GradeResult) -> int:
    identity = (attempts.c.assignment == result.assignment, attempts.c.student == result.student,
                attempts.c.content_hash == result.content_hash, attempts.c.grader_hash == result.grader_hash)
    earlier = select(attempts.c.id).where(*identity).scalar_subquery()
    connection.execute(delete(tests).where(tests.c.attempt_id.in_(earlier)))
    connection.execute(delete(attempts).where(*identity))
    values = {field: getattr(result, field) for field in _ATTEMPT_FIELDS}
    attempt_id = connection.execute(insert(attempts).values(**values)).inserted_primary_key[0]
    if result.tests:
        connection.execute(insert(tests), [
            {"attempt_id": attempt_id, "position": position, **{k: getattr(test, k) for k in _TEST_FIELDS},
             "evidence": dataclasses.asdict(test.evidence) if test.evidence else None}
            for position, test in enumerate(result.tests)
        ])
    return int(attempt_id)


def _is_busy(reason: BaseException) -> bool:
    message = str(reason).lower()
    return "locked" in message or "busy" in message


def _version(connection: Connection) -> int | None:
    """The schema version, 1 for a gradebook from before versions, None for an empty database."""
    names = set(inspect(connection).get_table_names())
    if "schema_info" in names:
        value = connection.execute(select(schema_info.c.value).where(schema_info.c.name == "version")).scalar()
        return int(value) if value is not None else None
    return 1 if "attempts" in names else None


def _set_version(connection: Connection, version: int) -> None:
    schema_info.create(connection, checkfirst=True)
    connection.execute(delete(schema_info).where(schema_info.c.name == "version"))
    connection.execute(insert(schema_info).values(name="version", value=str(version)))


# --------------------------------------------------------------------------- migrations


def _migrate_1_to_2(connection: Connection) -> None:
    """Version 1 (SQLite only) kept Gradescope JSON and result JSON in ``attempts`` and a
    partial copy in ``verdicts``. Its result JSON is complete: tests and the attempt's
    output move to their own columns, and the three copies become one."""
    connection.exec_driver_sql("ALTER TABLE attempts ADD COLUMN output TEXT NOT NULL DEFAULT ''")
    connection.exec_driver_sql("ALTER TABLE attempts ADD COLUMN execution_time FLOAT NOT NULL DEFAULT 0")
    version_2_tests = _version_2_tests()
    version_2_tests.create(connection)
    rows = connection.exec_driver_sql("SELECT id, result FROM attempts").fetchall()
    for attempt_id, stored in rows:
        data = json.loads(stored)
        connection.execute(attempts.update().where(attempts.c.id == attempt_id).values(
            output=data.get("output", ""), execution_time=float(data.get("execution_time", 0.0))))
        if data.get("tests"):
            connection.execute(insert(version_2_tests), [
                {"attempt_id": attempt_id, "position": position,
                 **{k: test.get(k, {} if k == "data" else "") for k in _TEST_FIELDS if k != "lecture"}}
                for position, test in enumerate(data["tests"])
            ])
    # Native DROP COLUMN (SQLite >= 3.35): a table rebuild would cascade-delete the tests.
    connection.exec_driver_sql("ALTER TABLE attempts DROP COLUMN feedback")
    connection.exec_driver_sql("ALTER TABLE attempts DROP COLUMN result")
    connection.exec_driver_sql("DROP TABLE verdicts")


def _migrate_2_to_3(connection: Connection) -> None:
    """Version 3 keeps each failed check's evidence (rule, call, observed, expected,
    diagnosis) beside its text; earlier attempts have none."""
    connection.execute(text("ALTER TABLE tests ADD COLUMN evidence " + JSON().compile(dialect=connection.dialect)))


def _version_2_tests() -> Table:
    """The tests table as version 2 created it (the migration from version 1 builds it)."""
    shape = MetaData()
    Table("attempts", shape, Column("id", Integer, primary_key=True))  # referenced, never created here
    columns = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
               for c in tests.columns if c.name not in ("evidence", "lecture")]
    return Table("tests", shape, *columns,
                 ForeignKeyConstraint(["attempt_id"], ["attempts.id"], ondelete="CASCADE"))


def _migrate_3_to_4(connection: Connection) -> None:
    """Version 4 keeps the lecture section of each test's concept; earlier tests have none."""
    connection.execute(text("ALTER TABLE tests ADD COLUMN lecture TEXT NOT NULL DEFAULT ''"))


def _migrate_4_to_5(connection: Connection) -> None:
    """Version 5 keeps when each attempt was submitted and what a late policy took off:
    ``raw_score`` (before the penalty; ``score`` is what counts), ``penalty`` and its
    sentence. Earlier attempts were charged nothing: their raw score is their score."""
    for column in ("submitted_at VARCHAR(40) NOT NULL DEFAULT ''", "raw_score FLOAT",
                   "penalty FLOAT NOT NULL DEFAULT 0", "penalty_reason TEXT NOT NULL DEFAULT ''"):
        connection.execute(text(f"ALTER TABLE attempts ADD COLUMN {column}"))
    connection.execute(text("UPDATE attempts SET raw_score = score"))


MIGRATIONS = {1: _migrate_1_to_2, 2: _migrate_2_to_3, 3: _migrate_3_to_4, 4: _migrate_4_to_5}
"""``MIGRATIONS[n]`` takes a gradebook from schema ``n`` to ``n + 1``, inside the caller's
write transaction."""
