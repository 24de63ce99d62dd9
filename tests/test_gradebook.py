"""The gradebook: one row per attempt, idempotent regrading, CSV export."""

import io

import pytest

from autograder.feedback.gradescope import to_gradescope
from autograder.gradebook import Gradebook, sqlite_path
from autograder.scoring import GradeResult, TestResult
from autograder.spec import SpecError


def result(student="alice", score=1.0, content="h1", assignment="toy"):
    test = TestResult("t", "test.py::t", "c", "C", "passed" if score else "failed", score, 1.0, "", "visible", 0.1)
    return GradeResult(assignment, f"/subs/{student}", student, content, "graded", score, 1.0, [test], "", 0.5,
                       "seed", "g1", "2026-01-01T00:00:00", "2026-01-01T00:00:01")


def test_regrading_the_same_content_keeps_one_row(tmp_path):
    book = Gradebook(str(tmp_path / "gb.db"))
    book.record(result(), to_gradescope(result()))
    book.record(result(), to_gradescope(result()))
    assert len(book.attempts()) == 1
    assert book.db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == 1
    book.record(result(content="h2", score=0.0), to_gradescope(result()))
    assert len(book.attempts()) == 2


def test_results_round_trip(tmp_path):
    book = Gradebook(f"sqlite:///{tmp_path}/gb.db")
    book.record(result(), to_gradescope(result()))
    (back,) = list(book.results())
    assert back == result()


def test_export_is_latest_score_per_student_and_assignment(tmp_path):
    book = Gradebook(str(tmp_path / "gb.db"))
    for r in (result("alice", 0.0, "h1"), result("alice", 1.0, "h2"), result("bob", 0.0), result("bob", 1.0, assignment="a4")):
        book.record(r, to_gradescope(r))
    out = io.StringIO()
    book.export_csv(out)
    assert out.getvalue().splitlines() == ["student,a4,toy", "alice,,1", "bob,1,0"]


def test_url_forms():
    assert sqlite_path("gb.db") == "gb.db"
    assert sqlite_path("sqlite:///gb.db") == "gb.db"
    assert sqlite_path("sqlite:////abs/gb.db") == "/abs/gb.db"
    with pytest.raises(SpecError, match="only sqlite"):
        sqlite_path("postgresql://host/db")
