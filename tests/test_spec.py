"""Rubric and assignment files: every mistake names the file and the field."""

import pytest

from autograder.spec import Rubric, SpecError

VALID = """
title: T
concepts:
  one:
    points: 2
    tests: [test_a*]
  two:
    points: 1
    visibility: hidden
    tests: [test_b]
    timeout: 3
"""


def write(tmp_path, text):
    path = tmp_path / "rubric.yaml"
    path.write_text(text)
    return path


def test_valid_rubric(tmp_path):
    rubric = Rubric.load(write(tmp_path, VALID))
    assert rubric.max_score == 3
    assert rubric.concept_for("test_a_thing").id == "one"
    assert rubric.timeout_for("test_b") == 3 and rubric.timeout_for("test_a1") == 10


@pytest.mark.parametrize("text, field", [
    ("concepts: {one: {points: two, tests: [t]}}", "concepts.one.points"),
    ("concepts: {one: {points: -1, tests: [t]}}", "concepts.one.points"),
    ("concepts: {one: {points: 1}}", "concepts.one.tests"),
    ("concepts: {one: {points: 1, tests: []}}", "concepts.one.tests"),
    ("concepts: {one: {points: 1, tests: [t], visibility: secret}}", "concepts.one.visibility"),
    ("concepts: {one: {points: 1, tests: [t], colour: red}}", "concepts.one.colour"),
    ("concepts: {}", "concepts"),
    ("title: x", "concepts"),
    ("default_timeout: soon\nconcepts: {one: {points: 1, tests: [t]}}", "default_timeout"),
    ("points_total: 3\nconcepts: {one: {points: 1, tests: [t]}}", "points_total"),
])
def test_malformed_rubric_names_file_and_field(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        Rubric.load(path)
    assert str(path) in str(info.value) and f"{field}:" in str(info.value)


def test_per_test_weights_share_a_concepts_points(tmp_path):
    from autograder.scoring import score_verdicts
    from autograder.results import Verdict

    rubric = Rubric.load(write(tmp_path, "concepts: {c: {points: 4, tests: [{test_big: 3}, test_small]}}"))
    results = score_verdicts([Verdict("a::test_big", "test_big", "big", True),
                              Verdict("a::test_small", "test_small", "small", False)], rubric)
    assert [(r.score, r.max_score) for r in results] == [(3, 3), (0, 1)]


def test_bad_weight_is_reported(tmp_path):
    with pytest.raises(SpecError, match="concepts.c.tests"):
        Rubric.load(write(tmp_path, "concepts: {c: {points: 4, tests: [{test_big: -3}]}}"))


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "concepts:\n  one: [unclosed\n")
    with pytest.raises(SpecError, match=r"rubric.yaml: not valid YAML \(line \d+\)"):
        Rubric.load(path)


def test_a_test_in_two_concepts_is_an_error(tmp_path):
    rubric = Rubric.load(write(tmp_path, "concepts: {a: {points: 1, tests: [t*]}, b: {points: 1, tests: [te*]}}"))
    with pytest.raises(SpecError, match="exactly one concept"):
        rubric.concept_for("test")


def test_every_assignment_of_the_course_loads(course):
    for assignment_id in course.assignment_ids():
        assignment = course.assignment(assignment_id)
        assert assignment.files
        if assignment.solution_dir is not None:
            assert assignment.rubric().max_score > 0
