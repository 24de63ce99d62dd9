"""LMS export: today's shape unchanged, the generic, Canvas and Moodle shapes, rosters and
column names, latest or best attempt."""

import argparse
import csv
import io

import pytest

from autograder import export
from autograder.gradebook import Gradebook, GradebookError
from autograder.results import GradeResult
from autograder.spec import Course

PENALTY = "Submitted 2 days late: 20% late penalty (6 of 8 points kept)."


def attempt(student, assignment="toy", score=8.0, *, content=None, when=0, raw=None, reason="", status="graded",
            submitted=""):
    result = GradeResult(assignment, f"/subs/{student}", student, content or f"{student}{when}", status, score, 10.0,
                         [], "", 0.5, "seed", "g1", f"2027-03-01T00:00:0{when}", f"2027-03-01T00:00:0{when}")
    result.raw_score, result.penalty_reason, result.submitted_at = raw, reason, submitted
    result.penalty = 0.2 if reason else 0.0
    return result


@pytest.fixture
def book(tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as opened:
        for result in (
            attempt("alice", score=9.0, when=1),
            attempt("alice", score=6.0, when=2, raw=8.0, reason=PENALTY, submitted="2027-03-03T20:00:00+00:00"),
            attempt("bob", score=4.0, when=1),
            attempt("bob", score=0.0, when=2, status="error"),
            attempt("bob", "a4", score=0.0, when=1, status="error"),
            attempt("carol", "a4", score=7.5, when=3),
        ):
            opened.record(result)
        yield opened


def table(text):
    return list(csv.reader(io.StringIO(text)))


def written(book, **options):
    out = io.StringIO()
    export.write_csv(out, book.attempts(), **options)
    return table(out.getvalue())


def test_the_default_shape_is_exactly_what_export_always_wrote(book):
    before = io.StringIO()
    empty_cells = book.export_csv(before)
    after = io.StringIO()
    assert export.write_csv(after, book.attempts()).ungraded == empty_cells == 1
    assert after.getvalue() == before.getvalue()
    assert table(after.getvalue()) == [["student", "a4", "toy"], ["alice", "", "6"], ["bob", "", "4"],
                                       ["carol", "7.5", ""]]


def test_latest_or_best_attempt(book):
    assert written(book, attempt="best")[1] == ["alice", "", "9"]
    assert written(book, attempt="latest")[1] == ["alice", "", "6"]
    # an error attempt is never the best, and counts only where there is nothing else
    assert written(book, attempt="best")[2] == ["bob", "", "4"]
    rows = [{"student": "s", "assignment": "a", "status": "graded", "score": s} for s in (3.0, 5.0, 5.0, 4.0)]
    for index, row in enumerate(rows):
        row["id"] = index
    assert export.choose(rows, "best")[("s", "a")]["id"] == 2  # the later of equals
    assert export.choose(rows, "latest")[("s", "a")]["id"] == 3
    with pytest.raises(ValueError, match="attempt must be one of latest, best"):
        export.choose(rows, "first")


def test_generic_keeps_the_raw_score_the_time_and_the_penalty(book):
    rows = written(book, format="generic")
    assert rows[0] == ["student", "a4", "a4 raw", "a4 submitted_at", "a4 late penalty",
                       "toy", "toy raw", "toy submitted_at", "toy late penalty"]
    assert rows[1] == ["alice", "", "", "", "", "6", "8", "2027-03-03T20:00:00+00:00", PENALTY]
    assert rows[2] == ["bob", "", "", "", "", "4", "4", "", ""]
    assert rows[3] == ["carol", "7.5", "7.5", "", "", "", "", "", ""]


def test_canvas_columns_roster_and_assignment_headers(book, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,Student,ID,SIS User ID,SIS Login ID,Section\n"
                      "alice,\"Liddell, Alice\",101,S1,alice@uni,NLP 01\n", encoding="utf-8")
    columns = tmp_path / "columns.yaml"
    columns.write_text("toy: Toy assignment (4242)\n", encoding="utf-8")
    out = io.StringIO()
    report = export.write_csv(out, book.attempts(), format="canvas", roster=export.load_roster(roster),
                              columns=export.load_columns(columns), titles={"a4": "A4: BLEU", "toy": "Toy"})
    rows = table(out.getvalue())
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "A4: BLEU",
                       "Toy assignment (4242)"]
    assert rows[1] == ["Liddell, Alice", "101", "S1", "alice@uni", "NLP 01", "", "6"]
    assert rows[3] == ["carol", "", "", "carol", "", "7.5", ""]  # not in the roster: her own name as the login
    assert report.unknown == ["bob", "carol"]
    by_id = written(book, format="canvas", id_column="SIS User ID")
    assert by_id[0][:5] == list(export.CANVAS_IDENTITY) and by_id[1][:5] == ["alice", "", "alice", "", ""]


def test_moodle_identifier_grade_and_feedback_columns(book, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,Email address\nalice,alice@uni.example\nbob,bob@uni.example\n", encoding="utf-8")
    rows = written(book, format="moodle", id_column="Email address", roster=export.load_roster(roster),
                   titles={"toy": "Toy"})
    assert rows[0] == ["Email address", "a4", "a4 feedback", "Toy", "Toy feedback"]
    assert rows[1] == ["alice@uni.example", "", "", "6", f"{PENALTY} Score before the penalty: 8 of 10."]
    assert rows[2] == ["bob@uni.example", "", "", "4", ""]
    assert written(book, format="moodle")[0][0] == "Username"


def test_the_student_column_can_take_the_lms_id(book, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,ID number\nalice,2027001\n", encoding="utf-8")
    rows = written(book, id_column="ID number", roster=export.load_roster(roster))
    assert [r[0] for r in rows] == ["ID number", "2027001", "bob", "carol"]


@pytest.mark.parametrize("text, problem", [
    ("name,id\nalice,1\n", "a roster needs a student column"),
    ("student,id\nalice,1\nalice,2\n", "line 3: alice appears twice"),
    ("student,id\n,1\n", "line 2: no student named"),
])
def test_a_bad_roster_says_why(tmp_path, text, problem):
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    with pytest.raises(export.ExportError, match=problem):
        export.load_roster(tmp_path / "roster.csv")


def test_columns_from_csv_and_bad_columns_files(tmp_path):
    (tmp_path / "c.csv").write_text("assignment,column\na4,A4 BLEU (12345)\n", encoding="utf-8")
    assert export.load_columns(tmp_path / "c.csv") == {"a4": "A4 BLEU (12345)"}
    (tmp_path / "c.yaml").write_text("- a4\n", encoding="utf-8")
    with pytest.raises(export.ExportError, match="must be a mapping of assignment id"):
        export.load_columns(tmp_path / "c.yaml")
    with pytest.raises(export.ExportError, match="cannot read it"):
        export.load_columns(tmp_path / "missing.csv")


def parse(argv):
    main = argparse.ArgumentParser()
    verbs = main.add_subparsers(dest="verb")
    export.register(lambda name, help: verbs.add_parser(name, help=help))
    return main.parse_args(argv)


def test_the_verb_without_new_options_writes_todays_file(book, tmp_path, capsys):
    course = Course(tmp_path)
    target = tmp_path / "out.csv"
    assert export.run(parse(["export", "--csv", "--gradebook", book.location, "-o", str(target)]), course) == 0
    expected = io.StringIO()
    book.export_csv(expected)
    assert target.read_bytes().decode("utf-8") == expected.getvalue()
    assert "1 cell(s) left empty" in capsys.readouterr().err
    args = parse(["export", "--gradebook", book.location, "--format", "canvas", "--attempt", "best"])
    assert export.run(args, course) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("Student,ID,SIS User ID,SIS Login ID,Section,")


def test_the_verb_refuses_without_a_gradebook_or_attempts(tmp_path):
    course = Course(tmp_path)
    with pytest.raises(GradebookError, match="there is no gradebook"):
        export.run(parse(["export", "--gradebook", str(tmp_path / "none.db")]), course)
    with Gradebook(str(tmp_path / "empty.db")):
        pass
    with pytest.raises(GradebookError, match="no attempts yet"):
        export.run(parse(["export", "--gradebook", str(tmp_path / "empty.db")]), course)
