"""What people read in an 80-column terminal: every failed test's message whole, no id cut."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REFERENCE_TOY, ROOT, TEST_COURSE

NARROW = {**os.environ, "COLUMNS": "80", "LINES": "50", "TERM": "xterm"}


def autograder(*args, course=TEST_COURSE):
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), *args],
                          capture_output=True, text=True, env=NARROW, timeout=300)


def squeezed(text: str) -> str:
    """Text with all whitespace gone: wrapping and indentation do not count, cuts do."""
    return "".join(text.split())


def assert_readable(output: str) -> None:
    for line in output.splitlines():
        assert len(line) <= 80, f"a line wider than 80 columns: {line!r}"
    assert "…" not in output, "something was cut"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A toy submission that fails some tests with long messages, an A4 submission with
    several mistakes, and one with a syntax error, graded into one gradebook."""
    root = tmp_path_factory.mktemp("narrow")
    partial = root / "a_student_with_a_rather_long_name"
    partial.mkdir()
    (partial / "toy.py").write_text(REFERENCE_TOY.replace("return a + b", "return a - b").replace(
        "return function(function(x))", "print('calling ' * 40)\n    return function(x)"))
    broken = root / "syntax"
    broken.mkdir()
    (broken / "toy.py").write_text("def add(a, b)\n    return a + b\n")
    book = str(root / "gb.db")
    toy = autograder("grade", "toy", str(partial), str(broken), "--gradebook", book, "--json")
    bob = autograder("grade", "a4_bleu", str(ROOT / "examples/a4_bleu/bob"), "--gradebook", book, "--json",
                     course=ROOT)
    assert toy.returncode == 0 and bob.returncode == 0, toy.stderr + bob.stderr
    results = [json.loads(line) for line in toy.stdout.splitlines() + bob.stdout.splitlines()]
    return book, {r["student"]: r for r in results}


@pytest.mark.parametrize("student, course", [
    ("a_student_with_a_rather_long_name", TEST_COURSE), ("syntax", TEST_COURSE), ("bob", ROOT)])
def test_show_prints_every_failed_message_whole(graded, student, course):
    book, results = graded
    run = autograder("show", "--student", student, "--gradebook", book, course=course)
    assert run.returncode == 0, run.stderr
    assert_readable(run.stdout)
    failed = [t for t in results[student]["tests"] if t["status"] == "failed"]
    assert failed
    for test in failed:
        assert squeezed(test["name"]) in squeezed(run.stdout)
        assert squeezed(test["output"]) in squeezed(run.stdout), f"{test['name']}: message not shown whole"
    if student == "syntax":
        assert run.stdout.count("SyntaxError") == 1, "an import failure is stated once"


def test_grade_of_one_submission_prints_every_failed_message_whole(graded, tmp_path):
    bob = ROOT / "examples/a4_bleu/bob"
    run = autograder("grade", "a4_bleu", str(bob), "--gradebook", str(tmp_path / "gb.db"), course=ROOT)
    assert run.returncode == 0, run.stderr
    assert_readable(run.stdout)
    _, results = graded
    for test in results["bob"]["tests"]:
        if test["status"] == "failed":
            # Hidden inputs are random per run: the message's first line names the check.
            assert squeezed(test["name"]) in squeezed(run.stdout)
    assert "bob" in run.stdout and "lost points in" in run.stdout


def test_batch_summary_wraps_reasons_instead_of_cutting_them(tmp_path):
    deep = tmp_path / "a_folder_whose_name_is_long_enough_to_matter"
    deep.mkdir()
    run = autograder("grade", "toy", str(deep), "--gradebook", str(tmp_path / "gb.db"))
    assert run.returncode == 3
    assert_readable(run.stdout)
    assert "a_folder_whose_name_is_long_enough_to_matter" in run.stdout
    assert squeezed("the submission has no toy.py (found: no Python files); name your file exactly toy.py") \
        in squeezed(run.stdout)


def test_list_never_cuts_an_id():
    run = autograder("list", course=ROOT)
    assert run.returncode == 0, run.stderr
    assert_readable(run.stdout)
    tokens = run.stdout.split()
    for assignment_id in ("a1_nmt_preprocessing", "a2_attention", "a3_decoding", "a4_bleu", "a5_transformer",
                          "a6_pretraining"):
        assert assignment_id in tokens, f"{assignment_id} is not shown whole"
