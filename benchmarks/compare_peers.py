"""Our runner against the usual alternatives: seconds per submission, five ways, one run.

    python benchmarks/compare_peers.py [--copies 50] [--assignments a4_bleu a5_transformer]
                                       [--skip-nbgrader] [--jobs N] [--otter-python PYTHON]
                                       [--cohort 200] [--cohort-jobs J] [--latency-repeat 1000]

For each assignment, N copies of the reference solution (``solutions/<id>/reference/``,
full marks) are graded five ways, one after the other in this process:

1. **ours, warm workers**: ``grade_many(assignment, copies, jobs=J, warm=True)``: each
   student process is forked from a worker that has already imported torch.
2. **ours, fresh student process**: ``grade_many(..., warm=False)``: one new sandboxed
   interpreter per submission. For rows 1 and 2 the check column says how the student
   processes really started, as the results report it (``GradeResult.sandbox["warm"]``).
3. **naive pytest**: ``python -m pytest -q -p no:cacheprovider DIR`` once per submission in
   a fresh process (J at a time). DIR holds a copy of the very same hidden graders (and
   the reference and known mistakes their ``mistakes`` fixture reads) with
   ``benchmarks/inprocess_conftest.py`` as its conftest: its ``student`` fixture imports
   the student's module in the pytest process (no sandbox, no second process, no
   channel). The pass count printed for it shows the graders all pass in-process too.
4. **nbgrader autograde**: a temporary nbgrader course in which every copy is a submitted
   notebook: one code cell per student module (the module's source), then one locked,
   graded "autograder tests" cell that registers the cell's code as the module and runs
   the same in-process graders with ``pytest.main`` inside the kernel. This is not how an
   nbgrader course would write its tests, but it is the same test work; what this row
   measures is nbgrader's cost per notebook (a new kernel, notebook conversion, the
   gradebook) on top of it. One ``nbgrader autograde <id> --force`` over all copies is
   timed and divided by N; nbgrader grades one notebook at a time whatever J is. A
   failure is reported in the table, not raised. ``--skip-nbgrader`` leaves it out.
5. **otter-grader ``otter run``** (its grading without containers): ``otter generate``
   makes an autograder zip holding one exception-based otter test that registers the
   executed submission as the student's module and runs the same in-process graders with
   ``pytest.main``; each copy's module file is then graded by ``otter run`` (J at a time),
   which executes it in a new Jupyter kernel. It needs otter-grader, ipykernel and this
   package in ``--otter-python`` (default: this Python); where they are missing the row
   says so instead of a time.

Then, for A5, a cohort: ``--cohort`` copies graded warm with ``--cohort-jobs`` workers
(default: the cores), against the floor x copies / workers, the time the tests alone would
take with every worker busy all the time; the ratio is what our runner adds. Last, the
table of ``benchmarks/channel_latency.py``: what one request to a sandboxed student
process costs, by kind.

Before timing, one copy is graded by ``grade_many`` once, untimed (with ``warm=False``), so the imports of this long-lived process (torch, sacrebleu) are not
charged to rows 1 and 2, while starting the warm worker is.

How to read the output: "s/submission" is wall time divided by N; "x fastest" divides it
by the fastest way's. The floor in the title is the tests' own time per submission in row
1: the mean over submissions of the sum of
``TestResult.duration``. "tests s" is the same figure for each of rows 1 and 2 in its own
run (the test work is the same: a difference is noise, or a student process that answers
calls at a different speed), and "overhead s" is what our runner spends above it per
submission and per worker: s/submission x J - tests s. A test's duration includes its
calls into the student process (the channel), so the floor can be well above the test
time of the in-process ways; the overhead is the rest (workspace, pytest start-up and
collection, starting the student process or the warm worker). Compare ratios, not
absolute seconds: the figures come from a shared, noisy machine (2 cores when this was
written); the load average is printed before and after each assignment.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.table import Table

import channel_latency  # beside this file
from autograder.batch import default_jobs, grade_many
from autograder.results import GradeResult
from autograder.spec import Assignment, Course

BENCHMARKS = Path(__file__).resolve().parent
INPROCESS_CONFTEST = BENCHMARKS / "inprocess_conftest.py"
SUBMISSION_VARIABLE = "COMPARE_PEERS_SUBMISSION"  # read by inprocess_conftest.py
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider"]
NBGRADER_CELL_TIMEOUT = 900
ERROR_CHARS = 600
COHORT_ASSIGNMENT = "a5_transformer"

console = Console(width=None if sys.stdout.isatty() else 160)


@dataclasses.dataclass
class Way:
    """One row of the table."""

    name: str
    workers: int
    seconds: float | None = None  # per submission; None when the way did not run
    check: str = ""               # what shows the grading was right, or why the row is empty
    tests: float | None = None    # rows 1-2: the tests' own time per submission in this run
    overhead: float | None = None

    @property
    def ran(self) -> bool:
        return self.seconds is not None


# ---- the submissions ---------------------------------------------------------------------

def make_copies(source: Path, dest: Path, count: int) -> list[Path]:
    """``count`` copies of the submission folder ``source``, named like students."""
    copies = [dest / f"student{i:03d}" for i in range(count)]
    for copy in copies:
        shutil.copytree(source, copy)
    return copies


def inprocess_graders(assignment: Assignment, dest: Path) -> Path:
    """A folder plain pytest runs: the hidden graders (and support files) + the in-process conftest."""
    dest.mkdir(parents=True)
    (dest / "pytest.ini").write_text("[pytest]\n")  # pins the rootdir, so our conftest is seen
    shutil.copy(INPROCESS_CONFTEST, dest / "conftest.py")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(assignment.graders, dest / assignment.id / "graders", ignore=ignore)
    for folder in ("support", "reference", "mutants"):  # the last two: the graders' `mistakes`
        source = assignment.graders.parent / folder
        if source.is_dir():
            shutil.copytree(source, dest / assignment.id / folder, ignore=ignore)
    return dest


# ---- ways 1 and 2: our runner ------------------------------------------------------------

def time_ours(name: str, assignment: Assignment, copies: Sequence[Path], jobs: int,
              warm: bool) -> tuple[Way, list[GradeResult]]:
    started = time.perf_counter()
    results = grade_many(assignment, copies, jobs=jobs, warm=warm)
    seconds = (time.perf_counter() - started) / len(copies)
    full = sum(r.status == "graded" and r.score == r.max_score for r in results)
    check = f"{full}/{len(results)} full marks, {len(results[0].tests)} tests each; " + student_processes(results, warm)
    problems = [r.output for r in results if r.status != "graded"]
    if problems:
        check += f"; first problem: {problems[0][:ERROR_CHARS]}"
    tests = floor_seconds(results)
    return Way(name, jobs, seconds, check, tests, seconds * jobs - tests), results


def student_processes(results: Sequence[GradeResult], asked: bool) -> str:
    """How the student processes were started, as the results report it (``sandbox["warm"]``)."""
    reported = [r.sandbox["warm"] for r in results if "warm" in r.sandbox]
    if not reported:
        return "student process: not reported"
    warm = sum(map(bool, reported))
    text = f"{warm}/{len(reported)} forked warm"
    expected = len(reported) if asked else 0
    return f"[yellow]{text}[/yellow]" if warm != expected else text


def floor_seconds(results: Sequence[GradeResult]) -> float:
    """The tests' own time per submission: the sum of their durations, averaged."""
    return statistics.mean(sum(t.duration for t in r.tests) for r in results)


# ---- way 3: plain pytest, one fresh process per submission ---------------------------------

def pytest_counts(output: str) -> dict[str, int]:
    """{'passed': 52, 'failed': 0, ...} from pytest's summary line."""
    return {word: int(number) for number, word in re.findall(r"(\d+) (passed|failed|errors?)", output)}


@dataclasses.dataclass
class PytestRun:
    passed: int
    problem: str  # empty when every test passed


def naive_once(graders: Path, copy: Path) -> PytestRun:
    env = {**os.environ, SUBMISSION_VARIABLE: str(copy)}
    done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, str(graders)], cwd=copy, env=env,
                          capture_output=True, text=True, check=False)
    counts = pytest_counts(done.stdout)
    failed = done.returncode != 0 or not counts.get("passed") or set(counts) != {"passed"}
    return PytestRun(counts.get("passed", 0), (done.stdout + done.stderr)[-ERROR_CHARS:] if failed else "")


def time_naive(graders: Path, copies: Sequence[Path], jobs: int) -> Way:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = list(pool.map(lambda copy: naive_once(graders, copy), copies))
    seconds = (time.perf_counter() - started) / len(copies)
    passed = "/".join(str(n) for n in sorted({run.passed for run in runs}))
    problems = [run.problem for run in runs if run.problem]
    check = f"{len(runs) - len(problems)}/{len(runs)} all passing, {passed} tests passed each"
    if problems:
        check += f"; first problem: {problems[0]}"
    return Way("3. naive pytest, fresh process", jobs, seconds, check)


# ---- way 4: nbgrader autograde ---------------------------------------------------------------

NOTEBOOK = "submission"
STUDENT_CELL_ID = "student_code"
TEST_CELL_ID = "hidden_graders"

TEST_CELL = '''\
import sys, types

for _name in {modules!r}:  # the student's cells, seen as the modules the graders ask for
    _module = types.ModuleType(_name)
    _module.__dict__.update({{k: v for k, v in globals().items() if not k.startswith("_")}})
    sys.modules[_name] = _module

import pytest

assert pytest.main({args!r}) == 0, "the hidden graders failed"
'''


def notebook(assignment: Assignment, submission: Path, graders: Path, points: float) -> dict:
    """The submission as an nbgrader notebook: the student's code, then the graded test cell."""
    def cell(source: str, grade_id: str, graded: bool) -> dict:
        return {
            "cell_type": "code", "execution_count": None, "outputs": [], "source": source,
            "metadata": {"nbgrader": {
                "grade": graded, "solution": not graded, "locked": graded, "task": False,
                "grade_id": grade_id, "schema_version": 3, **({"points": points} if graded else {}),
            }},
        }

    cells = [cell((submission / f"{module}.py").read_text(), f"{STUDENT_CELL_ID}_{module}", False)
             for module in assignment.modules]
    cells.append(cell(TEST_CELL.format(modules=list(assignment.modules), args=[*PYTEST_ARGS, str(graders)]),
                      TEST_CELL_ID, True))
    return {
        "cells": cells, "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}},
    }


def nbgrader_course(root: Path, assignment: Assignment, copies: Sequence[Path], graders: Path) -> str:
    """An nbgrader course with the assignment generated and every copy submitted; the gradebook URL."""
    root.mkdir(parents=True)
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'compare_peers'\n"
        f"c.CourseDirectory.db_url = {db_url!r}\n"
        f"c.Execute.timeout = {NBGRADER_CELL_TIMEOUT}\n"
    )
    points = assignment.rubric().max_score
    for place, submission in [(root / "source" / assignment.id, copies[0]),
                              *((root / "submitted" / c.name / assignment.id, c) for c in copies)]:
        place.mkdir(parents=True)
        (place / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook(assignment, submission, graders, points)))
    run_nbgrader(root, "generate_assignment", assignment.id, "--force")
    return db_url


def run_nbgrader(root: Path, *args: str) -> None:
    run_tool(sys.executable, "nbgrader", root, *args)


def run_tool(python: str, tool: str, cwd: Path, *args: str) -> None:
    """``python -m tool args`` in ``cwd``; a RuntimeError with the end of its output if it fails."""
    # nbgrader runs the `alembic` command to create its gradebook: find it next to that Python.
    path = os.pathsep.join([str(Path(python).parent), os.environ.get("PATH", "")])
    done = subprocess.run([python, "-m", tool, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-ERROR_CHARS:]
        raise RuntimeError(f"{tool} {args[0]} exited with {done.returncode}: {output}")


def nbgrader_scores(db_url: str, assignment_id: str, students: Sequence[str]) -> list[tuple[float, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return [(s.score, s.max_score) for s in
                (gradebook.find_submission(assignment_id, student) for student in students)]


def notebook_passes(path: Path) -> int:
    """How many tests pytest reported passed in the autograded notebook's test cell."""
    cells = json.loads(path.read_text())["cells"]
    text = "".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c["outputs"])
    return pytest_counts(text).get("passed", 0)


def time_nbgrader(root: Path, assignment: Assignment, copies: Sequence[Path], graders: Path) -> Way:
    way = Way("4. nbgrader autograde", 1)
    try:
        db_url = nbgrader_course(root, assignment, copies, graders)
        started = time.perf_counter()
        run_nbgrader(root, "autograde", assignment.id, "--force")
        way.seconds = (time.perf_counter() - started) / len(copies)
        scores = nbgrader_scores(db_url, assignment.id, [c.name for c in copies])
        passed = sorted({notebook_passes(root / "autograded" / c.name / assignment.id / f"{NOTEBOOK}.ipynb")
                         for c in copies})
        way.check = (f"{sum(s == m > 0 for s, m in scores)}/{len(scores)} notebooks full marks, "
                     f"{'/'.join(map(str, passed))} tests passed each")
    except Exception as exc:  # nbgrader is a peer, not ours: report it, keep the other rows
        way.check = f"[red]failed[/red]: {type(exc).__name__}: {str(exc)[-ERROR_CHARS:]}"
    return way


# ---- way 5: otter-grader's `otter run` -------------------------------------------------------

OTTER_TEST = '''\
from otter.test_files import test_case

OK_FORMAT = False
name = "hidden_graders"
points = {points!r}


@test_case(points={points!r})
def test_hidden_graders(env):
    import sys, types

    import pytest

    for module_name in {modules!r}:  # the executed submission, seen as the modules the graders ask for
        module = types.ModuleType(module_name)
        module.__dict__.update({{k: v for k, v in env.items() if not k.startswith("__")}})
        sys.modules[module_name] = module
    assert pytest.main({args!r}) == 0, "the hidden graders failed"
'''


def otter_missing(python: str) -> str:
    """Why ``python`` cannot run otter-grader here ("" when it can)."""
    probe = subprocess.run([python, "-c", "import otter, ipykernel, autograder"], capture_output=True, text=True,
                           check=False)
    if probe.returncode == 0:
        return ""
    return (f"not run: {python} cannot import otter-grader, ipykernel and this package "
            f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else 'no output'}); install them "
            "there (pip install otter-grader ipykernel) or pass --otter-python")


def time_otter(root: Path, assignment: Assignment, copies: Sequence[Path], graders: Path, jobs: int,
               python: str) -> Way:
    """``otter run`` (otter-grader's grading without containers) once per copy, J at a time:
    the submission is the student's module file, executed by otter in a Jupyter kernel; one
    exception-based otter test runs the same in-process graders with ``pytest.main``."""
    way = Way("5. otter-grader otter run", jobs)
    way.check = otter_missing(python)
    if way.check:
        return way
    if len(assignment.modules) != 1:
        way.check = "not run: otter run grades one file, and this assignment has several modules"
        return way
    module = assignment.modules[0]
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "hidden_graders.py").write_text(OTTER_TEST.format(
        points=assignment.rubric().max_score, modules=[module], args=[*PYTEST_ARGS, str(graders)]))
    try:
        run_tool(python, "otter", root, "generate")

        def one(copy: Path) -> float:
            output = root / "results" / copy.name
            output.mkdir(parents=True)
            run_tool(python, "otter", copy, "run", "-a", str(root / "autograder.zip"), "--no-logo", "-o", str(output),
                      f"{module}.py")
            tests = json.loads((output / "results.json").read_text())["tests"]
            return sum(t.get("score") or 0 for t in tests)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            scores = list(pool.map(one, copies))
        way.seconds = (time.perf_counter() - started) / len(copies)
        full = assignment.rubric().max_score
        way.check = f"{sum(score == full for score in scores)}/{len(scores)} full marks ({full:g} points)"
    except Exception as exc:  # otter is a peer, not ours: report it, keep the other rows
        way.check = f"[red]failed[/red]: {type(exc).__name__}: {str(exc)[-ERROR_CHARS:]}"
    return way


# ---- one assignment, all ways --------------------------------------------------------------

def compare(assignment: Assignment, count: int, jobs: int, with_nbgrader: bool,
            otter_python: str) -> tuple[list[Way], float]:
    """The five rows for one assignment and the floor (the tests' own time per submission)."""
    console.print(f"[dim]{assignment.id}: load average before: {load()}[/dim]")
    with tempfile.TemporaryDirectory(prefix="compare-peers-") as tmp:
        work = Path(tmp)
        copies = make_copies(assignment.reference, work / "copies", count)
        graders = inprocess_graders(assignment, work / "inprocess")
        # Untimed: this process's imports. Fresh, so that row 1 pays for starting its warm worker.
        grade_many(assignment, copies[:1], jobs=1, warm=False)
        ours, floor = our_rows(assignment, copies, jobs)
        progress(assignment, "naive pytest")
        naive = time_naive(graders, copies, jobs)
        if with_nbgrader:
            progress(assignment, "nbgrader autograde")
            nbgrader = time_nbgrader(work / "nbgrader", assignment, copies, graders)
        else:
            nbgrader = Way("4. nbgrader autograde", 1, check="skipped (--skip-nbgrader)")
        progress(assignment, "otter run")
        otter = time_otter(work / "otter", assignment, copies, graders, jobs, otter_python)
    return [*ours, naive, nbgrader, otter], floor


def our_rows(assignment: Assignment, copies: Sequence[Path], jobs: int) -> tuple[list[Way], float]:
    """Rows 1 and 2, and the floor (the tests' own time in row 1)."""
    progress(assignment, "ours, warm workers")
    warm_row, warm_results = time_ours("1. ours, warm workers", assignment, copies, jobs, True)
    progress(assignment, "ours, fresh student process")
    fresh_row, _ = time_ours("2. ours, fresh student process", assignment, copies, jobs, False)
    return [warm_row, fresh_row], floor_seconds(warm_results)


# ---- a cohort on every core ------------------------------------------------------------------

def cohort(assignment: Assignment, count: int, jobs: int, floor: float) -> Table:
    """``count`` copies graded by ``grade_many(jobs=jobs)`` (warm), against the floor x count
    / jobs: what the tests alone would take with every worker busy all the time."""
    progress(assignment, f"a cohort of {count} with --jobs {jobs}")
    with tempfile.TemporaryDirectory(prefix="compare-peers-cohort-") as tmp:
        copies = make_copies(assignment.reference, Path(tmp), count)
        started = time.perf_counter()
        results = grade_many(assignment, copies, jobs=jobs, warm=True)
        wall = time.perf_counter() - started
    full = sum(r.status == "graded" and r.score == r.max_score for r in results)
    ideal = floor * count / jobs
    result = Table(title=f"{assignment.id}: a cohort of {count} copies, --jobs {jobs} on {os.cpu_count()} CPUs "
                         "(workers started inside the timing)",
                   caption=f"load average after: {load()}")
    for column in ("wall s", "tests' own time x N / jobs", "ratio", "s/submission", "check"):
        result.add_column(column, justify="left" if column == "check" else "right")
    result.add_row(f"{wall:.1f}", f"{ideal:.1f}", f"{wall / ideal:.2f}", f"{wall / count:.3f}",
                   f"{full}/{count} full marks; " + student_processes(results, True))
    return result


def progress(assignment: Assignment, what: str) -> None:
    console.print(f"[dim]{assignment.id}: timing {what}...[/dim]")


def load() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# ---- output ----------------------------------------------------------------------------------

def table(assignment: Assignment, ways: Sequence[Way], floor: float, count: int) -> Table:
    fastest = min(way.seconds for way in ways if way.ran)
    result = Table(title=f"{assignment.id}: {count} copies of the reference solution "
                         f"(tests' own time, the floor: {floor:.3f} s/submission)",
                   caption=f"load average after: {load()} on {os.cpu_count()} CPUs")
    result.add_column("way")
    result.add_column("workers", justify="right")
    result.add_column("s/submission", justify="right")
    result.add_column("x fastest", justify="right")
    result.add_column("tests s", justify="right")
    result.add_column("overhead s", justify="right")
    result.add_column("check")
    for way in ways:
        ratio = way.seconds / fastest if way.seconds is not None else None
        result.add_row(way.name, str(way.workers), shown(way.seconds, ".3f"), shown(ratio, ".2f"),
                       shown(way.tests, ".3f"), shown(way.overhead, ".3f"), way.check)
    return result


def shown(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="submissions per way (default 50)")
    parser.add_argument("--assignments", nargs="+", default=["a4_bleu", "a5_transformer"])
    parser.add_argument("--skip-nbgrader", action="store_true", help="leave out way 4")
    parser.add_argument("--jobs", type=int, default=1, help="workers for ways 1-3 and 5 (default 1)")
    parser.add_argument("--otter-python", default=sys.executable,
                        help="a Python with otter-grader, ipykernel and this package installed, for way 5 "
                             "(default: this one)")
    parser.add_argument("--cohort", type=int, default=200,
                        help="then grade this many copies of A5 with --cohort-jobs workers (default 200; 0: skip)")
    parser.add_argument("--cohort-jobs", type=int, default=default_jobs(), help="(default: the cores)")
    parser.add_argument("--latency-repeat", type=int, default=1000,
                        help="requests timed per kind for the channel latency table (0: skip)")
    args = parser.parse_args()
    if args.copies < 1 or args.jobs < 1:
        parser.error("--copies and --jobs must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    course = Course.locate()
    for assignment_id in args.assignments:
        assignment = course.assignment(assignment_id)
        ways, floor = compare(assignment, args.copies, args.jobs, not args.skip_nbgrader, args.otter_python)
        console.print(table(assignment, ways, floor, args.copies))
        if assignment_id == COHORT_ASSIGNMENT and args.cohort:
            console.print(cohort(assignment, args.cohort, args.cohort_jobs, floor))
    if args.latency_repeat:
        console.print(f"One request to a sandboxed student process, by kind ({args.latency_repeat} each; "
                      "benchmarks/channel_latency.py):")
        console.print(channel_latency.table(channel_latency.measure(args.latency_repeat)), markup=False)
    console.print("Compare ratios, not absolute seconds: this is a shared, noisy machine. For rows 1-2, "
                  "'tests s' is the tests' own time per submission in that run and 'overhead s' = "
                  "s/submission x workers - tests s.")


if __name__ == "__main__":
    main()
