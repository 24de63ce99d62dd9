"""Writing an assignment: ``autograder new``, the file checks of ``validate``, and public
tests that run under plain pytest with the framework's fixtures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring import check
from autograder.cli import main
from autograder.scaffold import ScaffoldError, create, parse_functions
from autograder.spec import Course
from autograder.validate import validate

from conftest import REFERENCE_TOY, TEST_COURSE


@pytest.fixture
def toy_copy(tmp_path):
    """A copy of the toy course, to break."""
    shutil.copytree(TEST_COURSE, tmp_path / "course")
    return tmp_path / "course"


def _problems(root: Path) -> list[str]:
    return [str(p) for p in check(Course(root).assignment("toy"))]


def test_the_toy_course_has_no_file_problems(toy_copy):
    assert _problems(toy_copy) == []


def test_a_test_without_docstring_and_a_bare_assert_are_named_with_their_line(toy_copy):
    graders = toy_copy / "solutions/toy/graders/test_toy.py"
    graders.write_text(graders.read_text() + "\n\ndef test_add_more(toy):\n    assert toy.add(2, 2) == 4\n")
    found = _problems(toy_copy)
    lines = len(graders.read_text().splitlines())
    assert f"solutions/toy/graders/test_toy.py:{lines - 1}: test_add_more has no docstring" in "\n".join(found)
    assert any(p.startswith(f"solutions/toy/graders/test_toy.py:{lines}: an assert without a message")
               for p in found)
    # The rubric's test_add pattern does not match test_add_more, so it belongs to no concept:
    assert any("test_add_more (test_toy.py" in p and "matches none" in p for p in found)


@pytest.mark.parametrize("breakage, said", [
    ("a grader renamed", "solutions/toy/rubric.yaml: concepts.scaling.tests: 'test_scale_negative' matches no test"),
    ("    points: 3", "solutions/toy/rubric.yaml: concepts.scaling.points: must be a positive number, got -3"),
    ("concepts:", "solutions/toy/rubric.yaml: not valid YAML (line"),
])
def test_a_broken_rubric_is_said_once_with_its_field_and_nothing_is_graded(toy_copy, breakage, said):
    if breakage == "a grader renamed":
        graders = toy_copy / "solutions/toy/graders/test_toy.py"
        graders.write_text(graders.read_text().replace("def test_scale_negative", "def test_scale_below_zero"))
    else:
        rubric = toy_copy / "solutions/toy/rubric.yaml"
        rubric.write_text(rubric.read_text().replace(breakage, {"    points: 3": "    points: -3",
                                                                "concepts:": "concepts: ["}[breakage], 1))
    checks = validate(Course(toy_copy).assignment("toy"))
    assert checks and all(c.kind == "file" and c.result is None for c in checks)
    assert sum(c.name.startswith(said) for c in checks) == 1, [c.name for c in checks]


def test_the_rubric_names_its_own_assignment(toy_copy):
    rubric = toy_copy / "solutions/toy/rubric.yaml"
    rubric.write_text(rubric.read_text().replace("assignment: toy", "assignment: toy2"))
    assert _problems(toy_copy) == ["solutions/toy/rubric.yaml: assignment: 'toy2', but the assignment's id "
                                   "(assignment.yaml) is 'toy'"]


def test_a_mutant_without_its_lines(toy_copy):
    (toy_copy / "solutions/toy/mutants/no_docstring.py").write_text("def add(a, b):\n    return a - b\n")
    found = _problems(toy_copy)
    assert "solutions/toy/mutants/no_docstring.py: the docstring has no 'Loses:' line" in "\n".join(found)
    assert "solutions/toy/mutants/no_docstring.py: the docstring has no 'Hint:' line" in "\n".join(found)


def test_functions_are_names_or_signatures():
    parsed = parse_functions("softmax(logits, temperature=1.0), top_k, f(a, *, b=(1, 2))")
    assert [(f.name, f.params) for f in parsed] == [("softmax", "logits, temperature=1.0"), ("top_k", "x"),
                                                    ("f", "a, *, b=(1, 2)")]
    with pytest.raises(ScaffoldError, match="not a Python name"):
        parse_functions("soft-max")
    with pytest.raises(ScaffoldError, match="not valid Python"):
        parse_functions("f(a,,b)")


def test_new_writes_an_assignment_that_validate_runs_at_once(tmp_path, capsys):
    (tmp_path / "assignments").mkdir()
    assert main(["--course", str(tmp_path), "new", "draft", "--module", "sampling",
                 "--functions", "softmax(logits, temperature=1.0),top_k(logits, k)", "--classes", "Sampler"]) == 0
    written = capsys.readouterr().out
    for path in ("assignments/draft/sampling.py", "assignments/draft/README.ko.md",
                 "assignments/draft/tests/test_sampling_public.py", "solutions/draft/graders/test_top_k.py",
                 "solutions/draft/rubric.yaml", "solutions/draft/reference/sampling.py"):
        assert path in written and (tmp_path / path).is_file()
    assert not list((tmp_path / "solutions/draft/mutants").glob("*.py"))
    assert "def softmax(logits, temperature=1.0):" in (tmp_path / "assignments/draft/sampling.py").read_text()
    with pytest.raises(ScaffoldError, match="exists already"):
        create(tmp_path, "draft", "sampling", parse_functions("f"))

    checks = validate(Course(tmp_path).assignment("draft"))
    files = [c.name for c in checks if c.kind == "file"]
    assert any("solutions/draft/graders/test_softmax.py: 7 TODOs left" in f for f in files)
    assert any("no mutants" in f for f in files)
    graded = {c.kind: c for c in checks if c.kind != "file"}
    # The skeleton graders say what is missing, and no submission earns a point meanwhile:
    assert not graded["reference"].ok and not graded["stub"].ok
    assert "test_softmax_cases: NotImplementedError: CASES of test_softmax.py is empty" in graded["stub"].problem
    assert all(c.result.score == 0 for c in checks if c.result is not None)


def test_public_tests_run_under_plain_pytest_without_a_conftest(tmp_path):
    """The student's view: their folder, its tests/, plain pytest; the plugin gives `student`."""
    folder = tmp_path / "toy"
    shutil.copytree(TEST_COURSE / "assignments/toy", folder)
    (folder / "tests/conftest.py").unlink()
    tests = folder / "tests/test_toy_public.py"
    tests.write_text('def test_add_small(student):\n    """add: small numbers"""\n'
                     '    assert student.module("toy").add(1, 2) == 3, "add(1, 2) should be 3"\n')
    (folder / "toy.py").write_text(REFERENCE_TOY)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=folder,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    (folder / "toy.py").write_text(REFERENCE_TOY.replace("return a + b", "return a - b"))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=folder,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "failed" in run.stdout
