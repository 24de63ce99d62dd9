"""Every assignment's graders are proven: reference full marks, stub 0, each mutant loses
the points of the concept it gets wrong; the bundled examples earn what they should."""

import pytest

from autograder.batch import grade_many
from autograder.spec import Course
from autograder.validate import validate

from conftest import ROOT

WITH_SOLUTIONS = [a for a in Course(ROOT).assignment_ids() if Course(ROOT).assignment(a).solution_dir is not None]


def test_the_course_has_its_assignments():
    assert "a4_bleu" in WITH_SOLUTIONS


@pytest.mark.parametrize("assignment_id", WITH_SOLUTIONS)
def test_assignment_validates(course, assignment_id):
    checks = validate(course.assignment(assignment_id), jobs=2)
    failures = [f"{c.kind} {c.name}: {c.problem}" for c in checks if not c.ok]
    assert not failures, "\n".join(failures)
    assert sum(c.kind == "mutant" for c in checks) >= 8


def test_a4_examples(course):
    assignment = course.assignment("a4_bleu")
    names = ["alice", "bob", "carol", "mallory"]
    results = dict(zip(names, grade_many(assignment, [ROOT / "examples/a4_bleu" / n for n in names], jobs=2)))
    assert results["alice"].score == results["alice"].max_score
    assert 0 < results["bob"].score < results["bob"].max_score
    assert results["carol"].score == 0 and "SyntaxError" in results["carol"].output
    assert results["mallory"].score == 0
    assert all(r.status == "graded" for r in results.values())
