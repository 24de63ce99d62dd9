"""GitHub Actions and Classroom: the step summary, the annotations on the student's own
line, the result Classroom's grading reporter reads, the exit code, and the workflows."""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import shutil
import subprocess

import pytest
import yaml

from autograder.github import (
    add_check_arguments,
    ci_template,
    commands_stopped,
    escape_data,
    escape_property,
    github_repository,
    instructor_template,
    parse_threshold,
    register_ci_template,
    report_github,
    workflow_command,
)
from autograder.i18n import translator
from autograder.results import Evidence, GradeResult, TestResult
from autograder.spec import Assignment

GRADER_SOURCE = "a4/graders/test_x.py"
TRACEBACK = ("ngrams(['the', 'cat'], 2) raised TypeError: unhashable type: 'list' (100% sure)\n"
             "Where it happened in your code:\n"
             "  File \"bleu.py\", line 40, in modified_precision\n"
             "    grams = ngrams(tokens, n)\n"
             "  File \"bleu.py\", line 13, in ngrams\n"
             "    counts[gram] += 1")


def a_test(name: str, *, status: str = "passed", score: float | None = None, max_score: float = 1.0,
           output: str = "", evidence: Evidence | None = None) -> TestResult:
    return TestResult(
        name=name, test=f"{GRADER_SOURCE}::{name.replace(' ', '_')}", concept="counting", concept_title="Counting",
        status=status, score=(max_score if status == "passed" else 0.0) if score is None else score,
        max_score=max_score, output=output, visibility="visible", duration=0.25, evidence=evidence,
        grader_error="NameError in the graders INTERNAL-5521" if status == "error" else "",
    )


def a_result(tests: list[TestResult], submission: str, *, output: str = "", status: str = "graded") -> GradeResult:
    return GradeResult(
        assignment="a4_bleu", submission=submission, student="dana", content_hash="c0ffee", status=status,
        score=sum(t.score for t in tests), max_score=sum(t.max_score for t in tests), tests=tests, output=output,
        execution_time=1.5, seed="5eed", grader_hash="9a9a", started_at="2027-03-01T10:00:00+00:00",
        finished_at="2027-03-01T10:00:02+00:00",
    )


@pytest.fixture
def repo(tmp_path):
    """A student repository as `autograder release a4_bleu REPO` leaves it: a4_bleu/ at its root."""
    folder = tmp_path / "repo" / "a4_bleu"
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text('id: a4_bleu\ntitle: "A4: BLEU"\nfiles: [bleu.py]\n', encoding="utf-8")
    (folder / "bleu.py").write_text("def ngrams(tokens, n):\n    return []\n", encoding="utf-8")
    return tmp_path / "repo"


@pytest.fixture
def assignment(repo) -> Assignment:
    return Assignment.load(repo / "a4_bleu")


EVIDENCE = Evidence(rule="at most max(2, 1) = 2 of the hypothesis's 'the's match",
                    call="modified_precision(['the'] * 4, refs, 1)", observed="(3, 4)", expected="(2, 4)")


def mixed(repo) -> GradeResult:
    """One pass, one crash in the student's ngrams (line 13), one wrong answer with partial credit."""
    return a_result([
        a_test("counts unigrams"),
        a_test("counts bigrams", status="failed", output=TRACEBACK),
        a_test("clips: repeats, | <b>max</b>", status="failed", score=0.5, max_score=2.0,
               output="modified_precision(['the'] * 4, refs, 1) returned (3, 4), expected (2, 4).\n"
                      "The rule: at most max(2, 1) = 2 of the hypothesis's 'the's match",
               evidence=EVIDENCE),
    ], str(repo))


def run(result, assignment, repo, tmp_path, **kwargs):
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output"),
           "GITHUB_WORKSPACE": str(repo)}
    out = io.StringIO()
    code = report_github(result, assignment, env=env, out=out, **kwargs)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8") if (tmp_path / "summary.md").exists() else ""
    return code, out.getvalue().splitlines(), summary, tmp_path / "output"


def classroom(output_file) -> dict:
    lines = output_file.read_text(encoding="utf-8").splitlines()
    line = [line for line in lines if line.startswith("result=")][-1]  # the last run's
    return json.loads(base64.b64decode(line.removeprefix("result=")).decode("utf-8"))


# -- the report -------------------------------------------------------------------------------------


def test_the_summary_has_the_score_a_table_of_the_tests_and_each_failures_feedback(repo, assignment, tmp_path):
    _, _, summary, _ = run(mixed(repo), assignment, repo, tmp_path)
    assert "1.5 / 4 points" in summary and "1 of 3 public tests pass" in summary
    assert "| ✓ | counts unigrams | 1/1 |" in summary
    assert "| ✗ | counts bigrams | 0/1 |" in summary
    # A title cannot break the table nor become HTML.
    [row] = [line for line in summary.splitlines() if "clips" in line and line.startswith("|")]
    assert row.endswith("| 0.5/2 |") and len(re.findall(r"(?<!\\)\|", row)) == 4
    assert "<b>" not in row and r"\<b\>" in row
    assert f"```text\n{TRACEBACK}\n```" in summary
    assert "returned (3, 4), expected (2, 4)" in summary
    assert GRADER_SOURCE not in summary and "INTERNAL-5521" not in summary


def test_the_summary_is_appended_and_a_fence_cannot_be_closed_by_the_feedback(repo, assignment, tmp_path):
    (tmp_path / "summary.md").write_text("# earlier step\n", encoding="utf-8")
    sneaky = "printed ```\n## not a heading\n````"
    _, _, summary, _ = run(a_result([a_test("prints", status="failed", output=sneaky)], str(repo)), assignment, repo,
                           tmp_path)
    assert summary.startswith("# earlier step\n")
    assert f"`````text\n{sneaky}\n`````" in summary


def test_failures_are_annotated_on_the_students_own_line_and_escaped(repo, assignment, tmp_path):
    _, lines, _, _ = run(mixed(repo), assignment, repo, tmp_path)
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 2
    crash, wrong = errors
    assert crash.startswith("::error file=a4_bleu/bleu.py,line=13,title=counts bigrams::")
    message = crash.split("::", 2)[2]
    assert "\n" not in message and "%0A" in message and "(100%25 sure)" in message
    assert message.replace("%0A", "\n").replace("%25", "%") == TRACEBACK
    # No frame: the module file, without a line; ':' and ',' escaped in the title.
    assert wrong.startswith("::error file=a4_bleu/bleu.py,title=clips%3A repeats%2C | <b>max</b>::")
    assert "line=" not in wrong.split("::")[1]
    assert any(line.startswith("::notice title=A4%3A BLEU::1.5 / 4 points") for line in lines)


def test_an_import_failure_is_annotated_once_at_the_broken_line(repo, assignment, tmp_path):
    problem = ("bleu.py could not be imported:\n  File \"bleu.py\", line 3\n    def ngrams(\n"
               "SyntaxError: '(' was never closed")
    unchecked = a_test("counts bigrams", status="failed", output="could not run: bleu.py could not be imported")
    result = a_result([unchecked], str(repo), output=problem)
    code, lines, summary, _ = run(result, assignment, repo, tmp_path)
    assert code == 1
    assert any(line.startswith("::error file=a4_bleu/bleu.py,line=3,title=bleu.py could not be imported%3A::")
               for line in lines)
    assert len([line for line in lines if line.startswith("::error")]) == 1  # not once more per unchecked test
    assert "SyntaxError" in summary and "counts bigrams" in summary


def test_classroom_reads_the_points_from_the_step_output_and_the_log(repo, assignment, tmp_path):
    code, lines, _, output = run(mixed(repo), assignment, repo, tmp_path)
    data = classroom(output)
    assert data["version"] == 1 and data["status"] == "fail" and data["max_score"] == 4
    assert [t["score"] for t in data["tests"]] == [1, 0, 0.5]
    assert sum(t["score"] for t in data["tests"]) == 1.5
    assert [t["status"] for t in data["tests"]] == ["pass", "fail", "fail"]
    assert data["tests"][1]["filename"] == "a4_bleu/bleu.py" and data["tests"][1]["line_no"] == 13
    assert data["tests"][1]["message"] == TRACEBACK and data["tests"][0]["message"] == ""
    assert data["tests"][1]["duration"] == 250
    assert "Points 1.5/4" in lines
    assert code == 1


def test_the_exit_code_follows_the_threshold(repo, assignment, tmp_path):
    result = mixed(repo)  # 1.5 of 4 points
    assert run(result, assignment, repo, tmp_path)[0] == 1
    assert run(result, assignment, repo, tmp_path, threshold=0.3)[0] == 0
    assert run(result, assignment, repo, tmp_path, threshold=0.5)[0] == 1
    passing = a_result([a_test("counts unigrams"), a_test("counts bigrams")], str(repo))
    code, _, _, output = run(passing, assignment, repo, tmp_path)
    assert code == 0 and classroom(output)["status"] == "pass"
    assert not [line for line in run(passing, assignment, repo, tmp_path)[1] if line.startswith("::error")]


def test_a_rejected_submission_is_reported_as_not_graded(repo, assignment, tmp_path):
    result = GradeResult.failure("a4_bleu", str(repo), "dana", "the submission has no bleu.py", "9a9a",
                                 status="rejected")
    code, lines, summary, output = run(result, assignment, repo, tmp_path, threshold=0.0)
    assert code == 1
    assert any(line.startswith("::error") and "title=not graded" in line and "no bleu.py" in line for line in lines)
    data = classroom(output)
    assert data["status"] == "fail" and data["tests"][0]["name"] == "not graded"
    assert "no bleu.py" in summary and "Points 0/0" in lines


def test_a_check_the_graders_broke_is_a_warning_without_the_graders_error(repo, assignment, tmp_path):
    fault = "Grading failed — not your fault; your instructor has been told."
    result = a_result([a_test("counts unigrams"), a_test("clips", status="error", output=fault)], str(repo))
    _, lines, summary, output = run(result, assignment, repo, tmp_path)
    assert any(line.startswith("::warning title=clips::Grading failed") for line in lines)
    assert not any(line.startswith("::error") for line in lines)
    assert "INTERNAL-5521" not in summary + "\n".join(lines) + output.read_text()
    assert classroom(output)["tests"][1]["status"] == "error"


def test_nothing_is_written_where_github_gives_no_files(repo, assignment, tmp_path):
    out = io.StringIO()
    assert report_github(mixed(repo), assignment, env={"GITHUB_WORKSPACE": str(repo)}, out=out) == 1
    assert "Points 1.5/4" in out.getvalue()
    assert not list(tmp_path.glob("summary*")) and not (tmp_path / "output").exists()


def test_the_readers_language_is_used(repo, assignment, tmp_path):
    env = {"GITHUB_WORKSPACE": str(repo)}
    out = io.StringIO()
    report_github(mixed(repo), assignment, translator("ko"), env=env, out=out)
    notice = next(line for line in out.getvalue().splitlines() if line.startswith("::notice"))
    assert "공개 테스트" in notice


def test_workflow_commands_are_escaped_as_github_documents():
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("error", "x::y\n::warning::fake", file="a,b.py", line=3, title=None) == \
        "::error file=a%2Cb.py,line=3::x::y%0A::warning::fake"


# -- the CLI ---------------------------------------------------------------------------------------


def test_check_takes_github_and_a_threshold():
    parser = argparse.ArgumentParser()
    add_check_arguments(parser)
    args = parser.parse_args(["--github", "--threshold", "80%"])
    assert args.github and args.threshold == pytest.approx(0.8)
    assert parser.parse_args([]).threshold is None and not parser.parse_args([]).github
    assert parse_threshold("0.25") == 0.25
    for bad in ("1.5", "-1", "lots"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_threshold(bad)


def _verb_parser():
    main = argparse.ArgumentParser()
    verbs = main.add_subparsers(dest="verb", required=True)
    register_ci_template(lambda name, help: verbs.add_parser(name, help=help))
    return main


def test_the_ci_template_verb_prints_or_writes_the_workflow(tmp_path, capsys):
    args = _verb_parser().parse_args(["ci-template", "a4_bleu"])
    assert args.run(args, None) == 0
    assert yaml.safe_load(capsys.readouterr().out)["name"] == "Autograding Tests"
    target = tmp_path / ".github" / "workflows" / "autograder.yml"
    args = _verb_parser().parse_args(["ci-template", "a4_bleu", "--instructor", "-o", str(target)])
    assert args.run(args, None) == 0
    assert "autograder export --csv -o grades.csv" in target.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        _verb_parser().parse_args(["ci-template", "a4_bleu", "--instructor", "--hidden-from", "org/course"])


def test_the_ci_template_verb_refuses_an_unknown_assignment(course):
    from autograder.cli import UsageError

    args = _verb_parser().parse_args(["ci-template", "a9_nothing"])
    with pytest.raises(UsageError, match="unknown assignment"):
        args.run(args, course)


# -- the workflows ---------------------------------------------------------------------------------


def _steps(text: str) -> list[dict]:
    workflow = yaml.safe_load(text)
    [job] = workflow["jobs"].values()
    return job["steps"]


def _runs(text: str) -> str:
    return "\n".join(step.get("run", "") for step in _steps(text))


def test_the_student_workflow_runs_the_public_tests_for_classroom():
    text = ci_template("a4_bleu")
    workflow = yaml.safe_load(text)
    assert "push" in workflow["on"]
    steps = _steps(text)
    assert steps[0]["uses"].startswith("actions/checkout@")
    [python] = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["python-version"] == "3.11"
    runs = _runs(text)
    torch = runs.index("pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu")
    assert torch < runs.index('pip install "$AUTOGRADER_PACKAGE"')
    assert "YOUR-ORG" in workflow["env"]["AUTOGRADER_PACKAGE"]
    [check] = [s for s in steps if "autograder check" in s.get("run", "")]
    assert check["run"] == "autograder check a4_bleu . --github"
    [reporter] = [s for s in steps if "grading-reporter" in s.get("uses", "")]
    runner = reporter["with"]["runners"]
    assert runner == check["id"]
    assert reporter["env"][f"{runner.upper()}_RESULTS"] == f"${{{{ steps.{runner}.outputs.result }}}}"
    assert "upload-artifact" not in text and "secrets." not in "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_the_hidden_variant_fetches_the_graders_with_a_secret_and_says_who_can_read_them():
    text = ci_template("a4_bleu", hidden_from="https://github.com/prof/nlp-course.git")
    steps = _steps(text)
    [fetch] = [s for s in steps if s.get("with", {}).get("repository")]
    assert fetch["with"]["repository"] == "prof/nlp-course"
    assert fetch["with"]["token"] == "${{ secrets.AUTOGRADER_TOKEN }}"
    assert "autograder --course course grade a4_bleu submission" in _runs(text)
    assert "autograder check" not in _runs(text)
    assert "can read" in text and "instructor owns" in text
    assert "upload-artifact" not in text


def test_the_instructor_workflow_grades_every_listed_repository_and_uploads_the_csv():
    text = instructor_template("a4_bleu")
    runs = _runs(text)
    assert "students.txt" in runs and "secrets.AUTOGRADER_TOKEN" in text
    assert "autograder grade a4_bleu repos/* --gradebook grades.db" in runs
    assert "autograder export --csv -o grades.csv" in runs
    [upload] = [s for s in _steps(text) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "grades.csv"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("text", [ci_template("a4_bleu"), ci_template("a4_bleu", hidden_from="prof/course"),
                                  instructor_template("a4_bleu")], ids=["student", "hidden", "instructor"])
def test_every_run_script_is_valid_bash(text):
    for step in _steps(text):
        if "run" in step:
            subprocess.run(["bash", "-n", "-c", step["run"]], check=True)


def test_ids_and_urls_that_would_break_the_yaml_are_refused():
    with pytest.raises(ValueError):
        ci_template("a4; rm -rf /")
    with pytest.raises(ValueError):
        ci_template("a4_bleu", hidden_from="https://gitlab.com/prof/course")
    assert github_repository("git@github.com:prof/course.git") == "prof/course"
    assert github_repository("prof/course") == "prof/course"


def test_what_the_student_printed_cannot_issue_commands_while_they_are_stopped():
    out = io.StringIO()
    with commands_stopped(out):
        out.write("Your code printed:\n::error::fake\n")
    first, *_, last = out.getvalue().splitlines()
    token = first.removeprefix("::stop-commands::")
    assert len(token) >= 32 and last == f"::{token}::"
    with commands_stopped(out):
        pass
    assert out.getvalue().splitlines()[-2] != first  # a new token each time
