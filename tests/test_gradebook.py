"""The gradebook: one row per attempt, one copy of it, idempotent regrading, CSV export,
where it lives, and old gradebooks opened by new code."""

import gzip
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.gradebook import SCHEMA_VERSION, Gradebook, GradebookError, GradebookMissing, describe, locate, to_url
from autograder.results import GradeResult, TestResult

OLD_GRADEBOOK = Path(__file__).parent / "data" / "gradebook-v1.db.gz"


def result(student="alice", score=1.0, content="h1", assignment="toy", data=None):
    test = TestResult("t", "test.py::t", "c", "C", "passed" if score else "failed", score, 1.0, "", "visible", 0.1,
                      data or {})
    return GradeResult(assignment, f"/subs/{student}", student, content, "graded", score, 1.0, [test], "", 0.5,
                       "seed", "g1", "2026-01-01T00:00:00", "2026-01-01T00:00:01", {"layers": ["process"]})


def table_rows(path, table):
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_regrading_the_same_content_keeps_one_row(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(result())
        book.record(result())
        assert len(book.attempts()) == 1
        assert table_rows(tmp_path / "gb.db", "tests") == 1
        book.record(result(content="h2", score=0.0))
        assert len(book.attempts()) == 2
        assert book.graded_hashes("toy", "alice", "g1") == {"h1", "h2"}
        assert book.graded_hashes("toy", "alice", "other graders") == set()


def test_results_round_trip_with_their_data_and_evidence(tmp_path):
    from autograder.results import Diagnosis, Evidence

    original = result(data={"attention": [[0.25, 0.75]], "label": "ok"})
    original.tests[0].evidence = Evidence("clip by one reference", "f(1)", "3", "2",
                                          Diagnosis("clip_by_sum", "sums", "take the max"), ["first"], ["ngrams"])
    with Gradebook(f"sqlite:///{tmp_path}/gb.db") as book:
        book.record(original)
        assert book.results() == [original]
        assert book.results(student="bob") == []


def test_one_copy_of_each_attempt(tmp_path):
    """The tables hold the result once: no Gradescope JSON or result JSON beside the columns."""
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(result())
    with sqlite3.connect(tmp_path / "gb.db") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(attempts)")}
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feedback", "result"}.isdisjoint(columns)
    assert tables == {"attempts", "tests", "schema_info"}


def test_export_is_latest_score_per_student_and_assignment(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        for r in (result("alice", 0.0, "h1"), result("alice", 1.0, "h2"), result("bob", 0.0),
                  result("bob", 1.0, assignment="a4")):
            r.finished_at = f"2026-01-01T00:00:0{len(book.attempts())}"
            book.record(r)
        out = io.StringIO()
        book.export_csv(out)
    assert out.getvalue().splitlines() == ["student,a4,toy", "alice,,1", "bob,1,0"]


def test_locations_and_urls(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_GRADEBOOK", raising=False)
    assert locate("x.db", tmp_path) == ("x.db", "--gradebook")
    assert locate(None, tmp_path) == (str(tmp_path / "gradebook.db"), "the course folder")
    monkeypatch.setenv("AUTOGRADER_GRADEBOOK", "sqlite:////srv/course.db")
    assert locate(None, tmp_path) == ("sqlite:////srv/course.db", "$AUTOGRADER_GRADEBOOK")
    assert locate("y.db", tmp_path)[0] == "y.db"
    assert to_url("sqlite:////abs/gb.db").database == "/abs/gb.db"
    assert to_url("gb.db").database == str(Path("gb.db").resolve())
    assert describe("postgresql+psycopg://staff:secret@db.example/course") == "postgresql+psycopg://staff:***@db.example/course"
    with pytest.raises(GradebookError, match="not a gradebook location"):
        to_url("not a url://x")


def test_a_missing_gradebook_is_not_created_for_reading(tmp_path):
    with pytest.raises(GradebookMissing):
        Gradebook.open(str(tmp_path / "nowhere.db"), create=False)
    assert not (tmp_path / "nowhere.db").exists()


def test_an_unknown_database_driver_is_a_clear_error(tmp_path):
    with pytest.raises(GradebookError, match="cannot use the gradebook"):
        Gradebook.open("nosuchdb://host/x")


def test_an_old_gradebook_opens_and_keeps_its_rows(tmp_path):
    """A gradebook written by the first schema (grading the four example students and
    three toy submissions) is migrated in place on open."""
    path = tmp_path / "old.db"
    path.write_bytes(gzip.decompress(OLD_GRADEBOOK.read_bytes()))
    with sqlite3.connect(path) as db:
        before = db.execute("SELECT student, assignment, status, score, result FROM attempts ORDER BY student").fetchall()
    assert len(before) == 7

    with Gradebook.open(str(path)) as book:
        results = book.results()
        assert book.check_integrity() == []
    assert [(r.student, r.assignment, r.status, r.score) for r in results] == [row[:4] for row in before]
    import json

    for old, new in zip(before, results):
        stored = json.loads(old[4])
        for test in stored["tests"]:
            test["evidence"] = None  # the first schema kept no evidence
            test["grader_error"] = ""  # never stored: why graders broke goes to the instructor's log
            test["lecture"] = ""  # nor the lecture of the test's concept
        stored.update(submitted_at="", raw_score=stored["score"], penalty=0.0, penalty_reason="")  # charged nothing
        assert new.to_dict() == stored, f"{new.student}: the migrated attempt differs"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM schema_info WHERE name='version'").fetchone()[0] == str(SCHEMA_VERSION)
    with Gradebook.open(str(path)) as book:  # a second open finds it current
        book.record(result("dora"))
        assert len(book.attempts()) == 8


VERSION_4 = """
CREATE TABLE schema_info (name VARCHAR(64) NOT NULL, value VARCHAR(255) NOT NULL, PRIMARY KEY (name));
CREATE TABLE attempts (
    id INTEGER NOT NULL, assignment VARCHAR(255) NOT NULL, student VARCHAR(255) NOT NULL, submission TEXT NOT NULL,
    content_hash VARCHAR(64) NOT NULL, grader_hash VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL,
    score FLOAT NOT NULL, max_score FLOAT NOT NULL, output TEXT NOT NULL, execution_time FLOAT NOT NULL,
    seed VARCHAR(64) NOT NULL, sandbox JSON NOT NULL, started_at VARCHAR(40) NOT NULL, finished_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (id), CONSTRAINT attempt_identity UNIQUE (assignment, student, content_hash, grader_hash));
CREATE INDEX attempts_by_student ON attempts (student, assignment, finished_at);
CREATE TABLE tests (
    attempt_id INTEGER NOT NULL, position INTEGER NOT NULL, test TEXT NOT NULL, name TEXT NOT NULL,
    concept VARCHAR(255) NOT NULL, concept_title TEXT NOT NULL, status VARCHAR(16) NOT NULL, score FLOAT NOT NULL,
    max_score FLOAT NOT NULL, output TEXT NOT NULL, visibility VARCHAR(32) NOT NULL, duration FLOAT NOT NULL,
    data JSON NOT NULL, evidence JSON, lecture TEXT DEFAULT '' NOT NULL, PRIMARY KEY (attempt_id, position),
    FOREIGN KEY(attempt_id) REFERENCES attempts (id) ON DELETE CASCADE);
INSERT INTO schema_info VALUES ('version', '4');
INSERT INTO attempts VALUES (1, 'toy', 'alice', '/subs/alice', 'h1', 'g1', 'graded', 0.75, 1.0, 'ok', 0.5, 'seed',
    '{"layers": ["process"]}', '2026-01-01T00:00:00', '2026-01-01T00:00:01');
INSERT INTO attempts VALUES (2, 'toy', 'bob', '/subs/bob', '', 'g1', 'rejected', 0.0, 1.0, 'no toy.py', 0.0, 'seed',
    '{}', '2026-01-01T00:00:00', '2026-01-01T00:00:01');
INSERT INTO tests VALUES (1, 0, 't', 'test.py::t', 'c', 'C', 'passed', 0.75, 1.0, '', 'visible', 0.1, '{}', NULL, '6강');
"""


def test_a_version_4_gradebook_gains_submission_times_and_raw_scores(tmp_path):
    """Schema 5 keeps late work: old attempts keep their rows, their raw score is their
    score and nothing was taken off."""
    path = tmp_path / "v4.db"
    with sqlite3.connect(path) as db:
        db.executescript(VERSION_4)
    with Gradebook.open(str(path), create=False) as book:
        alice, bob = book.results()
        assert book.check_integrity() == []
        late = result("carol", score=0.5)
        late.submitted_at, late.raw_score, late.penalty = "2027-03-02T00:00:00+00:00", 1.0, 0.5
        late.penalty_reason = "Submitted 1 day late: 50% late penalty (0.5 of 1 points kept)."
        book.record(late)
        assert book.results(student="carol") == [late]
    assert (alice.student, alice.score, alice.raw_score, alice.raw, alice.penalty, alice.submitted_at,
            alice.penalty_reason) == ("alice", 0.75, 0.75, 0.75, 0.0, "", "")
    assert alice.tests[0].lecture == "6강" and alice.sandbox == {"layers": ["process"]}
    assert (bob.status, bob.output, bob.raw_score) == ("rejected", "no toy.py", 0.0)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM schema_info WHERE name='version'").fetchone()[0] == str(SCHEMA_VERSION)
    assert SCHEMA_VERSION == 5


def test_an_attempt_without_a_late_policy_keeps_no_raw_score(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(result())
        (stored,) = book.results()
        (row,) = book.attempts()
    assert (stored.raw_score, stored.raw, stored.penalty, stored.submitted_at) == (None, 1.0, 0.0, "")
    assert (row["raw_score"], row["penalty_reason"]) == (None, "")


def test_a_newer_gradebook_is_refused(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(result())
    with sqlite3.connect(tmp_path / "gb.db") as db:
        db.execute("UPDATE schema_info SET value='99' WHERE name='version'")
    with pytest.raises(GradebookError, match="newer than this autograder"):
        Gradebook.open(str(tmp_path / "gb.db"))


def test_reading_a_gradebook_needs_neither_pytest_nor_torch_nor_the_sandbox(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(result())
    probe = (
        "import sys\n"
        "from autograder.gradebook import Gradebook\n"
        "from autograder.feedback.gradescope import to_gradescope\n"
        "from autograder.feedback.terminal import render_result\n"
        f"with Gradebook.open({str(tmp_path / 'gb.db')!r}, create=False) as book:\n"
        "    [to_gradescope(r) for r in book.results()]\n"
        "loaded = [m for m in ('pytest', '_pytest', 'torch', 'autograder.sandbox', 'autograder.sandbox.zygote',\n"
        "                      'autograder.testing', 'autograder.remote') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"reading the gradebook imported {run.stdout.strip()}"
