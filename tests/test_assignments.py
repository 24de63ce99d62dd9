"""Every assignment's graders are proven: reference full marks, stub 0, each mutant loses
the points of the concept it gets wrong; the bundled examples earn what they should."""

import pytest

from autograder.batch import grade_many
from autograder.feedback.gradescope import to_gradescope
from autograder.feedback.html import render_index
from autograder.i18n import translator
from autograder.spec import Course

from conftest import ROOT

WITH_SOLUTIONS = [a for a in Course(ROOT).assignment_ids() if Course(ROOT).assignment(a).solution_dir is not None]


def test_the_course_has_its_assignments():
    assert "a4_bleu" in WITH_SOLUTIONS


@pytest.mark.parametrize("assignment_id", WITH_SOLUTIONS)
def test_assignment_validates(course, validated, assignment_id):
    assignment = course.assignment(assignment_id)
    checks = validated(assignment_id)
    failures = [f"{c.kind} {c.name}: {c.problem}" for c in checks if not c.ok]
    assert not failures, "\n".join(failures)
    assert sum(c.kind == "mutant" for c in checks) >= 8
    untranslated = shown_in_english(assignment, [c.result for c in checks])
    assert not untranslated, (f"{len(untranslated)} message(s) a Korean student would read in English: "
                              + " | ".join(sorted(untranslated)[:8]))


def shown_in_english(assignment, results) -> set[str]:
    """What the Korean feedback of ``results`` still shows in English for want of a
    translation: every check's text as Gradescope, the terminal and the HTML page write it
    (the same functions make all three: the pages' own words and the pictures' are checked
    by tests/test_i18n.py, tests/test_pictures.py and tests/test_browser.py), the index."""
    tr = translator("ko", [assignment.solution_dir, assignment.directory])
    for result in results:
        to_gradescope(result, tr)
    render_index(results, assignment.id, tr)
    return tr.missing


def test_a4_examples(course):
    assignment = course.assignment("a4_bleu")
    names = ["alice", "bob", "carol", "mallory"]
    results = dict(zip(names, grade_many(assignment, [ROOT / "examples/a4_bleu" / n for n in names], jobs=2)))
    assert results["alice"].score == results["alice"].max_score
    assert 0 < results["bob"].score < results["bob"].max_score
    assert results["carol"].score == 0 and "SyntaxError" in results["carol"].output
    assert results["mallory"].score == 0
    assert all(r.status == "graded" for r in results.values())
    assert not shown_in_english(assignment, list(results.values()))
