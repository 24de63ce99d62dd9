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
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip at all")
    reference = TEST_COURSE / "solutions/toy/reference"
    run = autograder("grade", "toy", str(reference), str(evil), str(broken),
                     "--json", "--jobs", "2", "--gradebook", str(tmp_path / "gb.db"))
    assert run.returncode == 3, run.stderr  # one submission was rejected
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    by_submission = {line["submission"]: line for line in lines}
    assert set(by_submission) == {str(reference), str(evil), str(broken)}
    for line in lines:
        assert {"score", "max_score", "execution_time", "output", "tests", "status", "student"} <= set(line)
        for test in line["tests"]:
            assert {"name", "score", "max_score", "output", "visibility", "status"} <= set(test)
    assert by_submission[str(reference)]["score"] == 6
    assert by_submission[str(evil)]["score"] == 0
    assert [by_submission[str(p)]["status"] for p in (reference, evil, broken)] == ["graded", "graded", "rejected"]
    assert "not a readable zip" in by_submission[str(broken)]["output"]
    hidden = [t for t in by_submission[str(reference)]["tests"] if t["visibility"] == "hidden"]
    assert hidden, "the rubric's hidden concept keeps its visibility"

    export = autograder("export", "--csv", "--gradebook", str(tmp_path / "gb.db"))
    assert export.stdout.splitlines()[0] == "student,toy"
    assert "reference,6" in export.stdout.splitlines()


def test_a_path_that_does_not_exist_is_a_usage_error_not_a_student(tmp_path):
    reference = TEST_COURSE / "solutions/toy/reference"
    book = tmp_path / "gb.db"
    run = autograder("grade", "toy", str(reference), str(tmp_path / "nonexistent"), "--gradebook", str(book))
    assert run.returncode == 2
    assert "no such file or folder" in run.stderr and "nonexistent" in run.stderr
    assert not book.exists(), "nothing is graded or recorded"


def test_exit_codes_for_rejected_submissions(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    book = tmp_path / "gb.db"
    run = autograder("grade", "toy", str(empty), str(broken), "--gradebook", str(book))
    assert run.returncode == 3, run.stdout + run.stderr
    assert "the submission has no toy.py" in " ".join(run.stdout.split())
    assert "2 rejected" in run.stdout
    assert f"Gradebook: {book}" in run.stderr
    run = autograder("grade", "toy", str(TEST_COURSE / "solutions/toy/reference"), "--gradebook", str(book))
    assert run.returncode == 0


def test_show_and_export_do_not_create_a_gradebook(tmp_path):
    course = tmp_path / "course"
    import shutil

    shutil.copytree(TEST_COURSE, course)
    for verb in (["show"], ["show", "toy", "--student", "alice"], ["export", "--csv"]):
        run = autograder(*verb, course=course)
        assert run.returncode == 2, verb
        assert f"there is no gradebook at {course / 'gradebook.db'}" in " ".join(run.stderr.split())
    assert not (course / "gradebook.db").exists()


def test_show_names_an_unknown_student(tmp_path):
    book = str(tmp_path / "gb.db")
    assert autograder("grade", "toy", str(TEST_COURSE / "solutions/toy/reference"), "--gradebook", book).returncode == 0
    run = autograder("show", "toy", "--student", "nobody", "--gradebook", book)
    assert run.returncode == 2
    assert "no attempts by 'nobody'" in run.stderr and "reference" in run.stderr
    run = autograder("show", "a9", "--gradebook", book)
    assert run.returncode == 2 and "assignments in it: toy" in " ".join(run.stderr.split())


def test_the_gradebook_defaults_to_the_course_folder(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(TEST_COURSE, course)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in WIDE.items() if k != "AUTOGRADER_GRADEBOOK"}
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "grade", "toy",
                          str(course / "solutions/toy/reference")], capture_output=True, text=True, env=env,
                         cwd=elsewhere, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"Gradebook: {course / 'gradebook.db'} (from the course folder)" in run.stderr
    assert (course / "gradebook.db").exists() and not list(elsewhere.iterdir())
    env["AUTOGRADER_GRADEBOOK"] = str(tmp_path / "from-env.db")
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), "show"],
                         capture_output=True, text=True, env=env, cwd=elsewhere, timeout=300)
    assert run.returncode == 2 and "from $AUTOGRADER_GRADEBOOK" in run.stderr


def test_resume_skips_what_is_already_graded(tmp_path):
    reference = TEST_COURSE / "solutions/toy/reference"
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "toy.py").write_text((reference / "toy.py").read_text() + "\n# edited\n")
    book = str(tmp_path / "gb.db")
    assert autograder("grade", "toy", str(reference), "--gradebook", book).returncode == 0
    run = autograder("grade", "toy", str(reference), str(changed), "--resume", "--json", "--gradebook", book)
    assert run.returncode == 0, run.stderr
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
    assert run.returncode == 5 and "--require-sandbox" in run.stderr


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


def test_a_broken_grader_is_an_error_row_with_its_traceback_in_the_log_only(tmp_path):
    import shutil

    course = tmp_path / "course"
    shutil.copytree(TEST_COURSE, course)
    grader = course / "solutions/toy/graders/test_toy.py"
    grader.write_text("import a_module_the_grader_machine_lacks  # SECRET GRADER LINE\n" + grader.read_text())
    reference = str(course / "solutions/toy/reference")
    run = autograder("grade", "toy", reference, "--json", "--no-gradebook", course=course)
    assert run.returncode == 4, run.stderr
    (row,) = [json.loads(line) for line in run.stdout.splitlines()]
    assert row["status"] == "error" and "not your fault" in row["output"]
    assert "SECRET GRADER LINE" not in run.stdout and "Traceback" not in run.stdout
    assert "a_module_the_grader_machine_lacks" in run.stderr, "the instructor's log says what broke"
    assert "--debug shows the traceback" in run.stderr
    debug = autograder("--debug", "grade", "toy", reference, "--json", "--no-gradebook", course=course)
    assert debug.returncode == 4
    assert "Traceback" in debug.stderr and "GraderError" in debug.stderr
    assert "Traceback" not in debug.stdout


def test_try_shows_what_a_student_with_a_known_mistake_reads():
    run = autograder("try", "toy", "subtracts")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 / 6" in run.stdout and "This is a known mistake: add returns a + b" in run.stdout
    reference = autograder("try", "toy", "reference")
    assert reference.returncode == 0 and "6 / 6" in reference.stdout
    unknown = autograder("try", "toy", "nosuch")
    assert unknown.returncode == 2 and "subtracts" in unknown.stderr


def test_grade_and_show_write_html_reports_without_hidden_checks(tmp_path):
    """--html: a page per student; the toy's hidden 'scale' checks are not on the student's
    page, and are on the instructor's."""
    reference = TEST_COURSE / "solutions/toy/reference"
    book = str(tmp_path / "gb.db")
    run = autograder("grade", "toy", str(reference), "--student", "ada", "--gradebook", book,
                     "--html", str(tmp_path / "pages"))
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "pages/toy/ada.html").read_text()
    assert "add: random integers" in page and "scale: multiplies every value" not in page
    assert (tmp_path / "pages/toy/index.html").is_file()
    run = autograder("show", "toy", "--gradebook", book, "--html", str(tmp_path / "staff"), "--audience", "instructor")
    assert run.returncode == 0, run.stderr
    assert "scale: multiplies every value" in (tmp_path / "staff/toy/ada.html").read_text()
