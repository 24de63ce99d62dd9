"""The command line as scripts and people use it."""

import json
import os
import subprocess
import sys

from conftest import TEST_COURSE


WIDE = {**os.environ, "COLUMNS": "250"}  # rich would wrap table cells in a narrow terminal


def autograder(*args, course=TEST_COURSE):
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), *args],
                          capture_output=True, text=True, env=WIDE, timeout=300)


def test_grade_json_is_one_gradescope_object_per_line(tmp_path):
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "toy.py").write_text("print('{\"score\": 6}')\nimport os\nos._exit(0)\n")
    reference = TEST_COURSE / "solutions/toy/reference"
    run = autograder("grade", "toy", str(reference), str(evil), str(tmp_path / "missing.zip"),
                     "--json", "--jobs", "2", "--gradebook", str(tmp_path / "gb.db"))
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    by_submission = {line["submission"]: line for line in lines}
    assert set(by_submission) == {str(reference), str(evil), str(tmp_path / "missing.zip")}
    for line in lines:
        assert {"score", "max_score", "execution_time", "output", "tests"} <= set(line)
        for test in line["tests"]:
            assert {"name", "score", "max_score", "output", "visibility", "status"} <= set(test)
    assert by_submission[str(reference)]["score"] == 6
    assert by_submission[str(evil)]["score"] == 0
    hidden = [t for t in by_submission[str(reference)]["tests"] if t["visibility"] == "hidden"]
    assert hidden, "the rubric's hidden concept keeps its visibility"

    export = autograder("export", "--csv", "--gradebook", str(tmp_path / "gb.db"))
    assert export.stdout.splitlines()[0] == "student,toy"
    assert "reference,6" in export.stdout.splitlines()


def test_resume_skips_what_is_already_graded(tmp_path):
    reference = TEST_COURSE / "solutions/toy/reference"
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "toy.py").write_text((reference / "toy.py").read_text() + "\n# edited\n")
    book = str(tmp_path / "gb.db")
    assert autograder("grade", "toy", str(reference), "--gradebook", book).returncode == 0
    run = autograder("grade", "toy", str(reference), str(changed), "--resume", "--json", "--gradebook", book)
    assert "1 of 2 already graded" in run.stderr
    assert [json.loads(line)["submission"] for line in run.stdout.splitlines()] == [str(changed)]


def test_check_runs_only_public_tests(tmp_path):
    run = autograder("check", "toy", str(TEST_COURSE / "solutions/toy/reference"))
    assert run.returncode == 0 and "1 of 1 public tests pass" in run.stdout
    run = autograder("check", "toy", str(TEST_COURSE / "assignments/toy"))
    assert run.returncode == 1 and "not implemented yet" in run.stdout


def test_release_copies_only_the_student_folder(tmp_path):
    run = autograder("release", "toy", str(tmp_path))
    assert run.returncode == 0, run.stderr
    def files(root):
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}

    released = files(tmp_path / "toy")
    assert released == files(TEST_COURSE / "assignments/toy")
    assert "tests/test_toy_public.py" in released and "rubric.yaml" not in released
    graders = (TEST_COURSE / "solutions/toy/graders/test_toy.py").read_text()
    reference = (TEST_COURSE / "solutions/toy/reference/toy.py").read_text()
    for path in (tmp_path / "toy").rglob("*.py"):
        assert path.read_text() not in (graders, reference)
    # A student can check from the released folder alone.
    run = autograder("check", str(tmp_path / "toy"), str(TEST_COURSE / "solutions/toy/reference"))
    assert run.returncode == 0, run.stdout + run.stderr


def test_doctor_and_require_sandbox():
    run = autograder("doctor")
    assert run.returncode == 0 and "grading will use" in run.stdout
    reference = str(TEST_COURSE / "solutions/toy/reference")
    forced_none = {**WIDE, "AUTOGRADER_SANDBOX": "none"}
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", str(TEST_COURSE), "grade", "toy", reference,
                          "--no-gradebook", "--require-sandbox"], capture_output=True, text=True, env=forced_none)
    assert run.returncode == 2 and "--require-sandbox" in run.stderr


def test_validate_toy():
    run = autograder("validate", "toy")
    assert run.returncode == 0, run.stdout
    assert "all checks pass" in run.stdout


def test_validate_fails_for_a_mutant_that_is_not_caught(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(TEST_COURSE, course)
    (course / "solutions/toy/mutants/harmless.py").write_text('"""Renames nothing.\n\nLoses: addition\n"""\n')
    run = autograder("validate", "toy", course=course)
    assert run.returncode == 1
    assert "keeps all points of addition" in run.stdout


def test_malformed_rubric_is_a_clear_error(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(TEST_COURSE, course)
    rubric = course / "solutions/toy/rubric.yaml"
    rubric.write_text(rubric.read_text().replace("points: 3", "points: three"))
    run = autograder("grade", "toy", str(course / "solutions/toy/reference"), "--no-gradebook", course=course)
    assert run.returncode == 2
    assert "rubric.yaml: concepts.scaling.points: must be a positive number" in " ".join(run.stderr.split())
