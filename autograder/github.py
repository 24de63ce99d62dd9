"""GitHub Actions and GitHub Classroom: a student repository runs the public tests on
every push and reads the result in the places GitHub shows it.

``autograder check ID . --github`` calls :func:`report_github` after the public tests ran:

- a Markdown summary (score, a table of the tests, each failure's feedback in a fenced
  block) is appended to the file ``$GITHUB_STEP_SUMMARY`` names, which GitHub shows on
  the run's page;
- ``::error file=F,line=N,title=T::M`` workflow commands put each failed test's feedback
  on the student's own line (the innermost frame of the traceback the sandbox recorded in
  the student's files, ``File "bleu.py", line 13, in ngrams``; see
  :func:`autograder.sandbox.child.describe_error`), or on the module file when the check
  found a wrong answer rather than an exception; a ``::notice::`` gives the score.
  Escaping follows GitHub's "Workflow commands for GitHub Actions" page and
  ``actions/toolkit``'s ``packages/core/src/command.ts``: in the message ``%``, ``\\r``,
  ``\\n`` become ``%25``, ``%0D``, ``%0A``; in a property also ``:`` and ``,`` become
  ``%3A`` and ``%2C``. A message is therefore always one line, so nothing a student's
  code printed can start a command of its own there.
- GitHub Classroom's points, in both conventions it has used:

  * the current one (``classroom-resources/autograding-grading-reporter``): each test
    runner step sets its output ``result`` to base64 of a JSON object
    ``{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [{"name",
    "status", "score", "message", "test_code", "filename", "line_no", "duration"}]}`` (the
    shape ``autograding-command-grader``'s ``generateResult`` writes, ``duration`` in
    milliseconds). The reporter step reads it from the environment variable
    ``<RUNNER-ID>_RESULTS`` (the step id upper-cased, listed in its ``runners`` input),
    sums ``tests[].score`` against ``max_score`` (``src/notify-classroom.js``), writes
    ``Points X/Y`` into the check run named "Autograding Tests", and fails the job when a
    runner's ``status`` is ``fail`` (``src/main.js``). We write that line to
    ``$GITHUB_OUTPUT`` as ``result=<base64>`` (base64 holds no newline, so the one-line
    form is safe).
  * the older ``education/autograding`` action printed ``Points X/Y`` in the log and set
    it on the "Autograding" check run (``src/runner.ts``, ``src/output.ts``); that line
    is printed too.

  Points computed on a runner the student controls are the student's claim (they can
  edit the workflow); the instructor's grade comes from the hidden graders
  (:func:`instructor_template`).

The exit code follows ``--threshold``: 0 when the score reaches that share of the
maximum (default: every public test passes), else 1.

:func:`ci_template` and :func:`instructor_template` write the workflows, and
:func:`register_ci_template` the ``autograder ci-template`` verb that prints them.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import dataclasses
import json
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from .feedback.text import output_text, test_text
from .i18n import Translator, english
from .intake import SKIPPED_NAMES
from .results import ERROR, GRADED, REJECTED, GradeResult, TestResult
from .spec import Assignment, Course

__all__ = ["Location", "add_check_arguments", "ci_template", "classroom_result", "commands_stopped", "escape_data",
           "escape_property", "failure_location", "github_repository", "instructor_template", "parse_threshold",
           "reached", "register_ci_template", "report_github", "step_summary", "workflow_command"]

TORCH = "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
PACKAGE_PLACEHOLDER = "git+https://github.com/YOUR-ORG/nlp-autograder.git@main"
"""What the templates install when the instructor names no package: a pip requirement
(``git+https://...@TAG``) they replace with their copy of this framework."""

_FRAME = re.compile(r'^\s*File "(?P<file>[^"\n]+)", line (?P<line>\d+)', re.MULTILINE)
"""A traceback frame as the sandbox records it: only frames in the student's own files
are kept, with paths relative to the submission."""


# --------------------------------------------------------------------------- workflow commands

# Three replacements, fixed by GitHub's runner: a library for them would be a dependency
# for ten lines (the Python ports of actions/toolkit are unmaintained).
def escape_data(text: str) -> str:
    """A workflow command's message, escaped as ``actions/toolkit`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``), escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: str | int | None) -> str:
    """``::command key=value,...::message`` with everything escaped; ``None`` values are
    left out."""
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None)
    return f"::{command}{' ' + shown if shown else ''}::{escape_data(message)}"


@contextlib.contextmanager
def commands_stopped(out: IO[str] = sys.stdout) -> Iterator[None]:
    """Inside, the runner reads no workflow commands from ``out``: what a student's code
    printed, shown in the feedback, may hold lines starting with ``::`` (GitHub's
    ``::stop-commands::TOKEN``, with a token nobody can guess, as Classroom's old
    autograding action did around student output)."""
    token = secrets.token_hex(16)
    out.write(f"::stop-commands::{token}\n")
    out.flush()
    try:
        yield
    finally:
        out.flush()
        out.write(f"::{token}::\n")
        out.flush()


# --------------------------------------------------------------------------- where a failure is


@dataclasses.dataclass(frozen=True)
class Location:
    """Where an annotation goes: a path relative to the repository root, maybe a line."""

    file: str
    line: int | None = None


def failure_location(texts: list[str], assignment: Assignment, submission: str,
                     workspace: str | os.PathLike[str]) -> Location:
    """Where a failure goes: the innermost traceback frame of the first of ``texts`` that
    has one (the sandbox keeps only frames in the student's files), as a path in the
    repository; else the assignment's module file, without a line."""
    for text in texts:
        frames = list(_FRAME.finditer(text or ""))
        if frames:
            return _in_repository(frames[-1].group("file"), int(frames[-1].group("line")), assignment, submission,
                                  workspace)
    return _in_repository(assignment.files[0], None, assignment, submission, workspace)


def _in_repository(name: str, line: int | None, assignment: Assignment, submission: str,
                   workspace: str | os.PathLike[str]) -> Location:
    """``name`` (relative to the unpacked submission) as the repository path GitHub wants.

    Intake may have moved the module's folder to the top (a repository that keeps the
    released ``a4_bleu/`` folder), so a name missing at the top is looked for below it.
    A zip or a notebook has no file for these lines: the annotation goes on it, lineless."""
    source = Path(submission)
    if source.suffix in (".zip", ".ipynb"):
        found, line = source, None
    elif source.suffix == ".py":
        found = source if name in assignment.files else source.parent / name
    else:
        found = _find(source, name) or source / name
    root = Path(workspace).resolve()
    try:
        shown = found.resolve().relative_to(root).as_posix()
    except ValueError:  # outside the repository: GitHub cannot place it; keep what we know
        shown = Path(name).as_posix()
    return Location(shown, line)


def _find(folder: Path, name: str) -> Path | None:
    if (folder / name).is_file():
        return folder / name
    matches = [p for p in folder.rglob(Path(name).name)
               if p.is_file() and p.as_posix().endswith(Path(name).as_posix())
               and not SKIPPED_NAMES & set(p.relative_to(folder).parts)]
    return matches[0] if len(matches) == 1 else None


# --------------------------------------------------------------------------- the report


def reached(result: GradeResult, threshold: float | None = None) -> bool:
    """Whether the score reaches ``threshold`` (a share of the maximum; None: all of it)."""
    if result.status != GRADED:
        return False
    need = result.max_score if threshold is None else threshold * result.max_score
    return result.score >= need - 1e-9


def report_github(result: GradeResult, assignment: Assignment, tr: Translator | None = None, *,
                  env: Mapping[str, str] = os.environ, out: IO[str] = sys.stdout,
                  threshold: float | None = None) -> int:
    """Report a public-test run to GitHub Actions and Classroom (see the module's
    docstring); returns the exit code (0: ``threshold`` reached)."""
    tr = tr or english()
    workspace = env.get("GITHUB_WORKSPACE") or os.getcwd()
    locations = {id(test): failure_location([test.output, test_text(test, tr)], assignment, result.submission,
                                            workspace)
                 for test in result.tests if test.status != "passed"}
    ok = reached(result, threshold)

    summary_file = env.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as summary:
            summary.write(step_summary(result, assignment, tr))
    output_file = env.get("GITHUB_OUTPUT")
    if output_file:
        payload = classroom_result(result, assignment, tr, threshold=threshold, locations=locations)
        encoded = base64.b64encode(json.dumps(payload, ensure_ascii=False).encode("utf-8")).decode("ascii")
        with open(output_file, "a", encoding="utf-8") as output:
            output.write(f"result={encoded}\n")

    for line in _annotations(result, assignment, tr, locations, workspace):
        out.write(line + "\n")
    out.write(workflow_command("notice", _score_sentence(result, tr), title=tr.text(assignment.title)) + "\n")
    out.write(f"Points {result.score:g}/{result.max_score:g}\n")
    out.flush()
    return 0 if ok else 1


def _score_sentence(result: GradeResult, tr: Translator) -> str:
    points = tr("{score} / {max_score} points").format(score=f"{result.score:g}", max_score=f"{result.max_score:g}")
    if result.status != GRADED:
        return f"{points} ({tr('not graded')})"
    passed = sum(t.status == "passed" for t in result.tests)
    return points + "; " + tr("{passed} of {total} public tests pass.").format(passed=passed, total=len(result.tests))


def _annotations(result: GradeResult, assignment: Assignment, tr: Translator, locations: dict[int, Location],
                 workspace: str) -> list[str]:
    lines = []
    said_once = bool(result.output and (result.status != GRADED or _FRAME.search(result.output)))
    if said_once:
        # Said once for the attempt: a module that could not be imported, a rejected
        # submission, grading that failed.
        where = failure_location([result.output], assignment, result.submission, workspace)
        text = output_text(result.output, tr)
        title = tr("not graded") if result.status == REJECTED else text.strip().splitlines()[0]
        lines.append(workflow_command("warning" if result.status == ERROR else "error", text, file=where.file,
                                      line=where.line, title=title))
    for test in result.tests:
        if test.status == "passed":
            continue
        where = locations[id(test)]
        if said_once and where.line is None:
            continue  # "not checked" because of what the attempt's annotation says: once is enough
        title = tr.title(test.name)
        if test.status == ERROR:  # the graders broke: not the student's fault, not their line
            lines.append(workflow_command("warning", output_text(test.output, tr), title=title))
        else:
            lines.append(workflow_command("error", test_text(test, tr) or tr("failed"), file=where.file,
                                          line=where.line, title=title))
    return lines


def classroom_result(result: GradeResult, assignment: Assignment, tr: Translator | None = None, *,
                     threshold: float | None = None, locations: Mapping[int, Location] | None = None) -> dict[str, Any]:
    """The object a GitHub Classroom test runner hands the grading reporter (before base64)."""
    tr = tr or english()
    locations = locations or {}
    command = f"autograder check {assignment.id} ."
    status = "pass" if reached(result, threshold) else ("error" if result.status == ERROR else "fail")
    tests = []
    for test in result.tests:
        where = locations.get(id(test))
        tests.append({
            "name": tr.title(test.name),
            "status": {"passed": "pass", "failed": "fail"}.get(test.status, "error"),
            "score": test.score if test.status != ERROR else 0,
            "message": _message(test, tr),
            "test_code": command,
            "filename": where.file if where else "",
            "line_no": (where.line or 0) if where else 0,
            "duration": round(test.duration * 1000),
        })
    if not result.tests:  # nothing ran: one entry saying why, so the reporter shows it
        tests.append({"name": tr("not graded"), "status": "error" if result.status == ERROR else "fail", "score": 0,
                      "message": output_text(result.output, tr), "test_code": command, "filename": "", "line_no": 0,
                      "duration": round(result.execution_time * 1000)})
    return {"version": 1, "status": status, "max_score": result.max_score, "tests": tests}


def _message(test: TestResult, tr: Translator) -> str:
    if test.status == "passed":
        return ""
    return test_text(test, tr) if test.status == "failed" else output_text(test.output, tr)


# --------------------------------------------------------------------------- the step summary

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~&])")
"""What can change inline Markdown anywhere in a line (emphasis, code, links, HTML, table
cells, entities); what matters only at a line's start (#, -, 1.) cannot occur there."""


def _cell(text: str) -> str:
    """Text as literal Markdown inline content, on one line: CommonMark lets any ASCII
    punctuation be backslash-escaped, so a title can neither break the table (``|``) nor
    become HTML."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def _fenced(text: str) -> str:
    """A fenced code block that ``text`` cannot close: its fence is longer than any run
    of backticks inside (CommonMark); nothing in it is read as Markdown or HTML."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def step_summary(result: GradeResult, assignment: Assignment, tr: Translator | None = None) -> str:
    """The run's Markdown summary: the score, a table of the tests, and each failure's
    feedback (what the student reads anywhere else, never grader source)."""
    tr = tr or english()
    ok = result.status == GRADED and result.tests and all(t.status == "passed" for t in result.tests)
    heading = tr("Public tests of {title}").format(title=tr.text(assignment.title))
    parts = [f"## {'✅' if ok else '❌'} {_cell(heading)}", "", f"**{_cell(_score_sentence(result, tr))}**", ""]
    if result.output:
        parts += [_fenced(output_text(result.output, tr))]
    if result.tests:
        parts += [f"| | {_cell(tr('test'))} | {_cell(tr('score'))} |", "|:-:|:--|--:|"]
        for test in result.tests:
            mark = {"passed": "✓", "error": "!"}.get(test.status, "✗")
            points = f"–/{test.max_score:g}" if test.status == ERROR else f"{test.score:g}/{test.max_score:g}"
            parts.append(f"| {mark} | {_cell(tr.title(test.name))} | {points} |")
        parts.append("")
    for test in result.tests:
        if test.status == "passed":
            continue
        parts += [f"### {'!' if test.status == ERROR else '✗'} {_cell(tr.title(test.name))}", "",
                  _fenced(_message(test, tr) or tr("failed"))]
    return "\n".join(parts).rstrip("\n") + "\n\n"


# --------------------------------------------------------------------------- the CLI


def parse_threshold(text: str) -> float:
    """``0.8`` or ``80%``: the share of the maximum that passes."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share of the points (0.8 or 80%)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1 (0% and 100%)")
    return value


def add_check_arguments(check: argparse.ArgumentParser) -> None:
    """``check --github [--threshold SHARE]``."""
    check.add_argument("--github", action="store_true",
                       help="also report to GitHub Actions and Classroom: a step summary, annotations on your "
                            "failing lines, the step output 'result' for Classroom's grading reporter and a "
                            "'Points X/Y' line")
    check.add_argument("--threshold", type=parse_threshold, metavar="SHARE",
                       help="with --github, exit 0 when the score reaches this share of the points (0.8 or 80%%; "
                            "default: every public test passes)")


def register_ci_template(verb: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``autograder ci-template ID [--hidden-from URL] [--instructor] [--package REQ] [-o FILE]``."""
    parser = verb("ci-template", "print a GitHub Actions workflow that runs an assignment's tests in each student's "
                                 "repository (or, with --instructor, grades every student repository)")
    parser.add_argument("assignment")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--hidden-from", metavar="URL",
                      help="the private instructor repository (https://github.com/ORG/REPO) to fetch the hidden "
                           "graders from with the secret AUTOGRADER_TOKEN, running `grade` instead of `check`: "
                           "only for runners students cannot reach (read the comments)")
    kind.add_argument("--instructor", action="store_true",
                      help="the workflow for the private instructor repository: clone the student repositories "
                           "listed in students.txt, grade them, upload grades.csv")
    parser.add_argument("--package", metavar="REQUIREMENT", default=PACKAGE_PLACEHOLDER,
                        help="what pip installs for the autograder (default: a placeholder to replace)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write the workflow here (.github/workflows/autograder.yml) instead of printing it")
    parser.set_defaults(run=run_ci_template)


def run_ci_template(args: argparse.Namespace, course: Course | None) -> int:
    from .cli import Exit, UsageError, err

    known = course.assignment_ids() if course is not None else []
    if known and args.assignment not in known:
        raise UsageError(f"unknown assignment {args.assignment!r} (known: {', '.join(known)})")
    try:
        text = (instructor_template(args.assignment, package=args.package) if args.instructor
                else ci_template(args.assignment, hidden_from=args.hidden_from, package=args.package))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.output:
        path = Path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        err.print(f"wrote {path} (GitHub Actions workflow for {args.assignment})")
    else:
        sys.stdout.write(text)  # plain: YAML must not go through rich's markup and wrapping
    return Exit.OK


# --------------------------------------------------------------------------- the workflows

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_GITHUB_REPO = re.compile(r"(?:https://github\.com/|git@github\.com:)?(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)"
                          r"(?:\.git)?/?")


def _checked_id(assignment_id: str) -> str:
    # The id goes into YAML and shell lines unquoted: only plain names.
    if not _ID.fullmatch(assignment_id):
        raise ValueError(f"{assignment_id!r} is not an assignment id (letters, digits, _ . -)")
    return assignment_id


def _checked_package(package: str) -> str:
    if not package or any(c in package for c in "\"'\n\r$`\\"):
        raise ValueError(f"{package!r} is not a pip requirement the workflow can quote")
    return package


def github_repository(url: str) -> str:
    """``ORG/REPO`` from ``https://github.com/ORG/REPO(.git)``, ``git@github.com:ORG/REPO.git``
    or ``ORG/REPO``."""
    match = _GITHUB_REPO.fullmatch(url.strip())
    if not match:
        raise ValueError(f"{url!r} is not a GitHub repository (https://github.com/ORG/REPO)")
    return match.group("repo")


_HEADER = """\
# GitHub Actions workflow written by `autograder ci-template {id}{options}`.
# Put it at .github/workflows/autograder.yml.
#
# AUTOGRADER_PACKAGE is what pip installs for the autograder: replace the placeholder
# with your copy of it, pinned to a tag, e.g.
#   git+https://github.com/YOUR-ORG/nlp-autograder.git@v1.0
# (a private copy needs a token: git+https://x-access-token:${{{{ secrets.X }}}}@github.com/...).
# torch comes first, from PyTorch's CPU index, so pip never pulls the CUDA build (GBs).
"""

_SETUP_STEPS = """\
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the autograder
        run: |
          {torch}
          pip install "$AUTOGRADER_PACKAGE"
"""


def ci_template(assignment_id: str, *, hidden_from: str | None = None, package: str = PACKAGE_PLACEHOLDER) -> str:
    """The workflow for a student repository (``.github/workflows/autograder.yml``).

    By default it runs the public tests with ``check --github`` and hands the result to
    GitHub Classroom's grading reporter; nothing is uploaded. With ``hidden_from`` (the
    private instructor repository) it fetches the hidden graders with the secret
    ``AUTOGRADER_TOKEN`` and runs ``grade``: see the comments it carries for when that is
    safe (almost never on a runner the student controls)."""
    assignment_id, package = _checked_id(assignment_id), _checked_package(package)
    if hidden_from is not None:
        return _hidden_template(assignment_id, github_repository(hidden_from), package)
    header = _HEADER.format(id=assignment_id, options="")
    setup = _SETUP_STEPS.format(torch=TORCH)
    return f"""\
{header}#
# On every push it runs the public tests (`autograder check {assignment_id} . --github`):
# the run's summary shows the score and each failure's feedback, failed tests are
# annotated on your own failing line, and GitHub Classroom's grading reporter reads the
# points from the step output `result`. The job fails while a public test fails (pass
# --threshold 80% to `check` to accept a share of the points). Nothing is uploaded, and
# these are only the public tests: the hidden graders run in the instructor's repository.
#
# The repository holds the folder `autograder release {assignment_id} REPO` writes
# ({assignment_id}/ at its root). If your repository's root is that folder itself, write
# `autograder check . . --github` below.
# Feedback in Korean: set AUTOGRADER_LANG: ko under env.
name: Autograding Tests
"on":
  push:
  workflow_dispatch:
  repository_dispatch:
permissions:
  checks: write  # the grading reporter writes the points into the check run
  actions: read
  contents: read
env:
  AUTOGRADER_PACKAGE: "{package}"
jobs:
  run-autograding-tests:
    # Classroom's reporter updates the check run of this name.
    name: Autograding Tests
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 30
    steps:
      - name: Check out the repository
        uses: actions/checkout@v4
{setup}      - name: Public tests
        id: autograder
        run: autograder check {assignment_id} . --github
      - name: Autograding Reporter
        # Also after a failing check, so Classroom records the points earned.
        if: ${{{{ !cancelled() && steps.autograder.outputs.result != '' }}}}
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          AUTOGRADER_RESULTS: "${{{{ steps.autograder.outputs.result }}}}"
        with:
          runners: autograder
"""


def _hidden_template(assignment_id: str, repository: str, package: str) -> str:
    header = _HEADER.format(id=assignment_id, options=f" --hidden-from {repository}")
    setup = _SETUP_STEPS.format(torch=TORCH)
    return f"""\
{header}#
# This variant grades with the HIDDEN graders, fetched from the private instructor
# repository {repository} with the secret AUTOGRADER_TOKEN (a fine-grained token
# that can read that repository, and nothing else).
#
# READ THIS BEFORE USING IT. Whatever this job fetches, the people who can push to this
# repository can read: on a GitHub-hosted or student-owned runner a student can change
# this file (or their code, or a test it imports) to print the graders, the reference
# solution or the token itself. Use it only on a runner the instructor owns, for
# repositories whose workflows students cannot change (rulesets requiring the
# instructor's review of .github/), and keep the token read-only. Otherwise use the
# instructor workflow (`autograder ci-template {assignment_id} --instructor`), which clones
# the student repositories into the private repository and grades them there.
#
# `grade` prints every test's feedback, hidden ones included, and students can read
# this job's log: its standard output is discarded here. The result goes into the
# gradebook named by the secret AUTOGRADER_GRADEBOOK (an SQLAlchemy URL of a database
# the instructor owns, e.g. postgresql+psycopg://...); without it the grade is lost with
# the runner. `grade` refuses to run without namespaces and seccomp when $CI is set.
name: Autograder (hidden graders)
"on":
  push:
  workflow_dispatch:
permissions:
  contents: read
env:
  AUTOGRADER_PACKAGE: "{package}"
jobs:
  grade:
    runs-on: self-hosted  # an instructor-owned runner: see above
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 60
    steps:
      - name: Check out the submission
        uses: actions/checkout@v4
        with:
          path: submission
      - name: Fetch the hidden graders
        uses: actions/checkout@v4
        with:
          repository: {repository}
          token: ${{{{ secrets.AUTOGRADER_TOKEN }}}}
          path: course
          persist-credentials: false
{setup}      - name: Grade with the hidden graders
        env:
          AUTOGRADER_GRADEBOOK: ${{{{ secrets.AUTOGRADER_GRADEBOOK }}}}
          STUDENT: ${{{{ github.event.repository.name }}}}  # Classroom names it ASSIGNMENT-USERNAME
        run: |
          autograder doctor
          autograder --course course grade {assignment_id} submission --student "$STUDENT" > /dev/null
      - name: Remove the hidden graders
        if: always()
        run: rm -rf course
"""


def instructor_template(assignment_id: str, *, package: str = PACKAGE_PLACEHOLDER) -> str:
    """The workflow for the private instructor repository (the course checkout, with
    ``solutions/``): clone every student repository listed in ``students.txt``, grade
    them with the hidden graders into ``grades.db``, export ``grades.csv`` and upload it
    as an artifact (visible to the repository's collaborators only)."""
    assignment_id, package = _checked_id(assignment_id), _checked_package(package)
    header = _HEADER.format(id=assignment_id, options=" --instructor")
    setup = _SETUP_STEPS.format(torch=TORCH)
    return f"""\
{header}#
# For the PRIVATE instructor repository (the course folder with assignments/ and
# solutions/): run it by hand (Actions > Run workflow) or on the schedule below. It
# clones every student repository listed in students.txt (one ORG/REPO per line, # for
# comments) with the secret AUTOGRADER_TOKEN (a token that can read them, e.g. a
# fine-grained token of the Classroom organisation with Contents: read), grades them with
# the hidden graders into grades.db, and uploads grades.csv as the artifact "grades".
# Each repository's name is the student's name in the gradebook. Its submission time is
# its last commit's date, which a student can set: for a hard deadline, run this at the
# deadline instead of trusting the dates.
name: Autograder (grade every student repository)
"on":
  workflow_dispatch:
  # schedule:
  #   - cron: "0 15 * * *"  # every day at 15:00 UTC
permissions:
  contents: read
env:
  AUTOGRADER_PACKAGE: "{package}"
  AUTOGRADER_GRADEBOOK: grades.db
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    steps:
      - name: Check out the course
        uses: actions/checkout@v4
{setup}      - name: Let the sandbox use namespaces
        # Ubuntu 24.04 runners forbid unprivileged user namespaces through AppArmor, and
        # `grade` refuses to run without them when $CI is set (`autograder doctor` shows
        # what works).
        run: |
          sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
          autograder doctor
      - name: Clone the student repositories
        env:
          TOKEN: ${{{{ secrets.AUTOGRADER_TOKEN }}}}
        run: |
          # The token travels in a header, never in a URL or a clone's .git/config.
          auth="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$TOKEN" | base64 -w0)"
          mkdir -p repos
          echo "student,submitted_at" > manifest.csv
          grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' students.txt | while read -r repo _; do
            name="${{repo##*/}}"
            git -c http.https://github.com/.extraheader="$auth" clone --quiet --depth 1 \\
              "https://github.com/$repo.git" "repos/$name" || {{ echo "::warning::could not clone $repo"; continue; }}
            echo "$name,$(git -C "repos/$name" log -1 --format=%cI)" >> manifest.csv
          done
      - name: Grade
        # Exit 3 (some rejected) and 4 (some not graded) still record the rest.
        continue-on-error: true
        run: autograder grade {assignment_id} repos/* --gradebook grades.db --manifest manifest.csv
      - name: Export the grades
        run: autograder export --csv -o grades.csv
      - name: Upload the grades
        uses: actions/upload-artifact@v4
        with:
          name: grades
          path: grades.csv
          retention-days: 30
"""
