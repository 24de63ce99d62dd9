"""Whole submissions through the pipeline: honest, broken and hostile ones."""

import pytest

from conftest import REFERENCE_TOY, TEST_COURSE

STUB = TEST_COURSE / "assignments/toy"


def test_reference_full_and_stub_zero(grade_toy):
    reference = grade_toy(TEST_COURSE / "solutions/toy/reference")
    assert (reference.status, reference.score, reference.max_score) == ("graded", 6, 6)
    stub = grade_toy(STUB)
    assert stub.score == 0 and all("not implemented yet" in t.output for t in stub.tests)


def test_recorded_data_reaches_the_result(grade_toy):
    from autograder.feedback.gradescope import to_gradescope

    result = grade_toy(TEST_COURSE / "solutions/toy/reference")
    (callback,) = [t for t in to_gradescope(result)["tests"] if "apply_twice" in t["name"]]
    assert callback["extra_data"] == {"calls": [2, 6]}


def test_partial_credit_is_per_concept(grade_toy, submission):
    folder = submission(REFERENCE_TOY + "\ndef scale(values, factor):\n    return [v * factor for v in values]\n")
    result = grade_toy(folder)
    assert result.concept_scores() == {"addition": (2, 2), "scaling": (2, 3), "callbacks": (1, 1)}


def test_a_concept_with_lost_points_names_its_lecture_everywhere(grade_toy, submission):
    import io

    from rich.console import Console

    from autograder.feedback.gradescope import to_gradescope
    from autograder.feedback.html import render_report
    from autograder.feedback.terminal import render_result

    result = grade_toy(submission(REFERENCE_TOY.replace("return a + b", "return a - b")))
    assert {t.lecture for t in result.tests if t.concept == "addition"} == {"1강 Addition [00:00]"}
    terminal = io.StringIO()
    render_result(Console(file=terminal, width=80), result)
    assert "Review: 1강 Addition [00:00]" in terminal.getvalue()
    assert "addition: 0 / 2 (review: 1강 Addition [00:00])" in to_gradescope(result)["output"]
    assert "Review: 1강 Addition [00:00]" in render_report(result)
    full = grade_toy(submission(REFERENCE_TOY, name="full"))  # nothing lost, nothing to review
    terminal = io.StringIO()
    render_result(Console(file=terminal, width=80), full)
    assert "Review" not in terminal.getvalue() and "Review" not in render_report(full)


def test_hidden_inputs_change_between_runs(grade_toy, submission):
    folder = submission(REFERENCE_TOY.replace("return a + b", "print(a, b)\n    return a + b"))
    first, second = grade_toy(folder), grade_toy(folder)
    assert first.seed != second.seed
    assert first.tests[0].output != second.tests[0].output  # printed inputs differ


HOSTILE = {
    "patches_pytest_reports": """
        import _pytest.reports, _pytest.runner
        _pytest.reports.TestReport.outcome = "passed"
        _pytest.runner.call_and_report = lambda *a, **k: None
    """,
    "exits_at_import": "import os\nos._exit(0)\n",
    "sys_exit_at_import": "import sys\nsys.exit(0)\n",
    "keyboard_interrupt": "def add(a, b):\n    raise KeyboardInterrupt\n",
    "prints_fake_results": """
        print("test_add PASSED")
        print('{"score": 6, "max_score": 6, "tests": []}')
        def add(a, b):
            print("PASSED")
            return None
    """,
    "always_equal": """
        class Yes:
            def __eq__(self, other):
                return True
        def add(a, b):
            return Yes()
        def scale(values, factor):
            if factor < 0:
                raise ValueError
            return [Yes() for v in values]
        def apply_twice(f, x):
            return Yes()
    """,
    "skip_at_import": "import pytest\npytest.skip('nothing to see', allow_module_level=True)\n",
    "conftest_in_submission": "def add(a, b):\n    return 0\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_earns_what_its_behaviour_earns(grade_toy, submission, name):
    folder = submission(HOSTILE[name], name=name)
    if name == "conftest_in_submission":
        (folder / "conftest.py").write_text("import pytest\n@pytest.hookimpl(tryfirst=True)\ndef pytest_runtest_makereport(item, call):\n    call.excinfo = None\n")
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:autograder\n")
    result = grade_toy(folder)
    earned = {t.concept for t in result.tests if t.status == "passed"}
    # Only the ValueError check can honestly pass for always_equal; nothing else passes at all.
    assert earned <= ({"scaling"} if name == "always_equal" else set()), (name, earned)
    assert result.status == "graded"


def test_infinite_loop_costs_only_its_tests(grade_toy, submission):
    folder = submission(REFERENCE_TOY.replace("return function(function(x))", "while True:\n        pass"))
    result = grade_toy(folder)
    assert result.concept_scores()["callbacks"] == (0, 1)
    assert result.concept_scores()["addition"] == (2, 2)
    (looping,) = [t for t in result.tests if t.concept == "callbacks"]
    assert "did not finish in time" in looping.output


def test_syntax_error_is_stated_once_above_the_tests(grade_toy, submission):
    result = grade_toy(submission("def add(a, b)\n    return a + b\n"))
    assert result.score == 0
    assert "toy.py could not be imported" in result.output and "SyntaxError" in result.output
    assert 'toy.py", line 1' in result.output, "the student's own frame says where"
    for test in result.tests:
        assert "SyntaxError" not in test.output, "the reason is not repeated in every test"
        assert "could not be imported" in test.output and len(test.output) < 120
    from autograder.feedback.gradescope import to_gradescope

    assert to_gradescope(result)["output"].count("SyntaxError") == 1


def test_non_utf8_source(grade_toy, tmp_path):
    folder = tmp_path / "latin1"
    folder.mkdir()
    (folder / "toy.py").write_bytes(b"NAME = 'caf\xe9'\ndef add(a, b):\n    return a + b\n")
    result = grade_toy(folder)
    assert result.score == 0 and "could not be imported" in result.output


def test_wrong_signature_says_so(grade_toy, submission):
    result = grade_toy(submission(REFERENCE_TOY.replace("def add(a, b):", "def add(a):")))
    (add,) = [t for t in result.tests if t.concept == "addition"]
    assert "TypeError" in add.output and "argument" in add.output


def test_missing_function_says_which(grade_toy, submission):
    result = grade_toy(submission(REFERENCE_TOY.replace("def apply_twice", "def apply_thrice")))
    (callback,) = [t for t in result.tests if t.concept == "callbacks"]
    assert "toy.apply_twice does not exist" in callback.output


def test_broken_zip_is_rejected_with_zero(grade_toy, tmp_path):
    path = tmp_path / "eve.zip"
    path.write_bytes(b"garbage")
    result = grade_toy(path)
    assert (result.status, result.score, result.max_score) == ("rejected", 0, 6)
    assert "not a readable zip" in result.output


def test_one_process_grades_assignments_whose_grader_files_share_names(tmp_path):
    """Two assignments both have graders/test_same.py: each session runs its own."""
    import shutil

    from autograder.pipeline import grade
    from autograder.spec import Course

    course = tmp_path / "course"
    shutil.copytree(TEST_COURSE, course)
    for name, value in (("one", 1), ("two", 2)):
        shutil.copytree(course / "assignments/toy", course / "assignments" / name)
        (course / "assignments" / name / "assignment.yaml").write_text(f"id: {name}\nfiles: [toy.py]\n")
        graders = course / "solutions" / name / "graders"
        graders.mkdir(parents=True)
        (graders / "test_same.py").write_text(
            f"def test_value(student):\n    assert student.module('toy').add(0, 0) == {value}, 'wrong value'\n")
        (course / "solutions" / name / "rubric.yaml").write_text("concepts: {c: {points: 1, tests: [test_value]}}\n")
    answer = tmp_path / "answer"
    answer.mkdir()
    (answer / "toy.py").write_text("def add(a, b):\n    return 2\n")
    loaded = Course(course)
    assert grade(loaded.assignment("one"), answer).score == 0
    assert grade(loaded.assignment("two"), answer).score == 1
    # Another course (another checkout, another term) with an assignment "one" of its own:
    other = tmp_path / "other"
    shutil.copytree(course, other)
    (other / "solutions/one/graders/test_same.py").write_text(
        (other / "solutions/two/graders/test_same.py").read_text())
    assert grade(Course(other).assignment("one"), answer).score == 1
    assert grade(loaded.assignment("one"), answer).score == 0
