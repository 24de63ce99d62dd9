"""Only what the student's code did may cost points: a grader that breaks is the grader's fault.

A copy of the toy course gets a grader file with the instructor's usual accidents (a
``NameError``, a value the channel cannot send, a fixture that fails, a callback of the
grader's that breaks when correct student code calls it). A correct submission graded by it
keeps every point the other checks give, its attempt is an ``error`` to regrade, the
student reads that it was not their fault (and nothing of the grader's code), the instructor's
log has the traceback, and ``validate`` fails naming each broken check.
"""

from __future__ import annotations

import io
import json
import logging
import shutil

import pytest

from autograder import logs
from autograder.feedback.gradescope import to_gradescope
from autograder.gradebook import Gradebook
from autograder.pipeline import grade
from autograder.spec import Course
from autograder.testing import GRADERS_FAULT
from autograder.validate import validate

from conftest import TEST_COURSE

BROKEN_GRADERS = '''
import random

import pytest

from autograder.toolkit import Call, expect_equal


@pytest.fixture
def broken_fixture():
    raise RuntimeError("the fixture's data file is missing")


def test_broken_name(toy):
    """broken: a name the grader never defined"""
    expect_equal(toy.add(1, 2), undefined_oracle(1, 2), "add(1, 2)", rule="add(a, b) is a + b")


def test_broken_unsendable(toy):
    """broken: a grader-side object the channel cannot send"""
    toy.scale([1.0], random.Random(0))


def test_broken_fixture(toy, broken_fixture):
    """broken: a fixture that fails"""
    assert toy.add(1, 1) == 2, "add(1, 1) is 2"


def test_broken_callback(toy):
    """broken: the grader's callback breaks when called as documented"""
    assert toy.apply_twice(lambda x: {}[x], 2) == 2, "apply_twice calls the function twice"
'''

STUDENT_WORDS = ("undefined_oracle", "Random", "RuntimeError", "fixture's data", "KeyError", "Traceback")


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(TEST_COURSE, root, dirs_exist_ok=True)
    (root / "solutions/toy/graders/test_broken.py").write_text(BROKEN_GRADERS)
    rubric = root / "solutions/toy/rubric.yaml"
    rubric.write_text(rubric.read_text() + "  broken:\n    title: Broken graders\n    points: 4\n"
                                           "    tests: [test_broken_*]\n")
    return Course(root).assignment("toy")


@pytest.fixture(scope="module")
def graded(broken):
    return grade(broken, broken.reference, warm=False)


def test_the_checks_that_broke_are_errors_and_the_rest_graded(graded):
    by_name = {t.test.split("::")[-1]: t for t in graded.tests}
    broke = {name for name, t in by_name.items() if t.status == "error"}
    assert broke == {"test_broken_name", "test_broken_unsendable", "test_broken_fixture", "test_broken_callback"}
    assert all(t.status == "passed" and t.score == t.max_score for name, t in by_name.items() if name not in broke)
    assert graded.status == "error"
    assert "not your fault" in graded.output and "regraded" in graded.output
    assert graded.score == pytest.approx(6.0)  # every point of the checks that ran


def test_the_student_reads_nothing_of_the_graders(graded):
    gradescope = to_gradescope(graded)
    assert gradescope["status"] == "error"
    assert {t["status"] for t in gradescope["tests"]} == {"passed", "failed"}  # Gradescope's two values
    assert sum(t.get("graders_broke", False) for t in gradescope["tests"]) == 4
    shown = json.dumps(gradescope)
    for test in graded.tests:
        if test.status == "error":
            assert test.output == GRADERS_FAULT and test.evidence is None
    assert not [word for word in STUDENT_WORDS if word in shown]


def test_the_instructor_reads_what_broke_and_where(graded, broken, caplog, monkeypatch):
    why = {t.test.split("::")[-1]: t.grader_error for t in graded.tests if t.status == "error"}
    assert why["test_broken_name"].startswith("NameError: name 'undefined_oracle' is not defined (test_broken.py:")
    assert why["test_broken_unsendable"].startswith("TypeError: cannot send a Random")
    assert "RuntimeError: the fixture's data file is missing" in why["test_broken_fixture"]
    assert why["test_broken_callback"].startswith("KeyError: 2")
    for handler in logging.getLogger().handlers:  # a CLI run earlier in this process hides tracebacks
        monkeypatch.setattr(handler, "filters", [f for f in handler.filters if not isinstance(f, logs._Tracebacks)])
    with caplog.at_level(logging.ERROR, logger="autograder.testing"):
        grade(broken, broken.reference, warm=False)
    logged = [r for r in caplog.records if "the graders broke" in r.getMessage()]
    assert len(logged) == 4 and all(r.exc_info for r in logged)


def test_a_student_error_still_costs_points(broken, submission):
    """The line is drawn at the student's code: its own exception is the student's."""
    folder = submission("def add(a, b):\n    raise KeyError(a)\n\ndef scale(v, f):\n    return v\n\n"
                        "def apply_twice(f, x):\n    return f(f(x))\n")
    result = grade(broken, folder, warm=False)
    add = next(t for t in result.tests if t.test.endswith("::test_add"))
    assert add.status == "failed" and "KeyError" in add.output


def test_an_error_attempt_is_not_a_grade(graded, tmp_path):
    with Gradebook(str(tmp_path / "gb.db")) as book:
        book.record(graded)
        assert book.graded_hashes("toy", graded.student, graded.grader_hash) == set()  # --resume grades it again
        out = io.StringIO()
        assert book.export_csv(out) == 1
    assert out.getvalue().splitlines()[1] == f"{graded.student},"


def test_validate_fails_naming_each_broken_check(broken):
    checks = validate(broken)
    reference = next(c for c in checks if c.kind == "reference")
    assert not reference.ok
    assert "THE GRADERS BROKE" in reference.problem and "test_broken_name: NameError" in reference.problem
