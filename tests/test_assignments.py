"""Every assignment's graders are proven: reference full marks, stub 0, each mutant loses
the points of the concept it gets wrong; the bundled examples earn what they should."""

import pytest

from autograder.batch import grade_many
from autograder.validate import validate

from conftest import ROOT


def assignments_with_solutions(course):
    return [a for a in course.assignment_ids() if course.assignment(a).solution_dir is not None]


def test_every_assignment_validates(course):
    ids = assignments_with_solutions(course)
    assert "a4_bleu" in ids
    for assignment_id in ids:
        assignment = course.assignment(assignment_id)
        checks = validate(assignment, jobs=2)
        failures = [f"{c.kind} {c.name}: {c.problem}" for c in checks if not c.ok]
        assert not failures, "\n".join(failures)
        assert sum(c.kind == "mutant" for c in checks) >= 8


def test_a4_examples(course):
    assignment = course.assignment("a4_bleu")
    names = ["alice", "bob", "carol", "mallory"]
    results = dict(zip(names, grade_many(assignment, [ROOT / "examples/a4_bleu" / n for n in names], jobs=2)))
    assert results["alice"].score == results["alice"].max_score
    assert 0 < results["bob"].score < results["bob"].max_score
    assert results["carol"].score == 0 and "SyntaxError" in results["carol"].tests[0].output
    assert results["mallory"].score == 0
    assert all(r.status == "graded" for r in results.values())
