"""The ``autograder`` command: thin verbs over the pipeline.

    autograder list
    autograder check ASSIGNMENT [PATH]
    autograder grade ASSIGNMENT SUBMISSION... [--jobs N | --cluster tcp://HOST:8786] [--gradebook URL] [--json]
    autograder validate [ASSIGNMENT...]
    autograder release ASSIGNMENT DEST
    autograder show [ASSIGNMENT] [--student NAME]
    autograder export --csv [-o FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .batch import default_jobs, grade_many
from .cluster import ClusterError
from .feedback.gradescope import to_gradescope
from .feedback.terminal import render_batch, render_check, render_result
from .gradebook import DEFAULT_PATH, Gradebook
from .intake import fingerprint, student_name
from .sandbox import isolation, policy
from .scoring import GradeResult
from .spec import Assignment, Course, SpecError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def cmd_list(args: argparse.Namespace, course: Course) -> int:
    table = Table(title=f"assignments in {course.root}")
    for column in ("id", "title", "files", "points", "concepts", "mutants"):
        table.add_column(column)
    for assignment_id in course.assignment_ids():
        assignment = course.assignment(assignment_id)
        points = concepts = mutants = "-"
        if assignment.solution_dir is not None:
            rubric = assignment.rubric()
            points, concepts = f"{rubric.max_score:g}", str(len(rubric.concepts))
            mutants = str(len(list(assignment.mutants.glob("*.py"))))
        table.add_row(assignment.id, assignment.title, ", ".join(assignment.files), points, concepts, mutants)
    out.print(table)
    return 0


def cmd_check(args: argparse.Namespace, course: Course | None) -> int:
    released = Path(args.assignment) / "assignment.yaml"
    # A student's released folder needs no course checkout around it.
    assignment = Assignment.load(released.parent.resolve()) if released.is_file() else _course(args).assignment(args.assignment)
    err.print(f"Running the public tests of {assignment.title} on {args.path} ...")
    result = grade_many(assignment, [Path(args.path)], public=True)[0]
    render_check(out, result)
    return 0 if result.status == "graded" and result.score == result.max_score else 1


def cmd_grade(args: argparse.Namespace, course: Course) -> int:
    assignment = course.assignment(args.assignment)
    assignment.rubric()  # a broken rubric stops the batch before anything runs
    if not args.cluster:  # on a cluster each worker checks its own sandbox
        _check_sandbox(args)
    sources = [Path(s) for s in args.submissions]
    if args.student and len(sources) != 1:
        raise SpecError("--student names one submission; pass exactly one")
    gradebook = None if args.no_gradebook else Gradebook(args.gradebook)
    if args.resume and gradebook is not None:
        sources = _not_yet_graded(assignment, sources, gradebook, args.student)
        if not sources:
            gradebook.close()
            return 0
    progress = Progress(
        TextColumn("grading {task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=len(sources) < 2,
    )

    def on_result(result: GradeResult) -> None:
        feedback = to_gradescope(result)
        if gradebook is not None:
            gradebook.record(result, feedback)
        if args.json:
            out.file.write(json.dumps(feedback) + "\n")
            out.file.flush()
        progress.advance(task)

    with progress:
        task = progress.add_task(assignment.id, total=len(sources))
        results = grade_many(assignment, sources, jobs=args.jobs or default_jobs(), on_result=on_result,
                             students=[args.student] if args.student else None,
                             cluster=args.cluster, require_sandbox=args.require_sandbox, warm=args.warm)
    if not args.json:
        if len(results) == 1 or args.details:
            for result in results:
                render_result(out, result)
        render_batch(out, results, title=f"{assignment.title}: {len(results)} submission(s)")
        if gradebook is not None:
            out.print(f"Recorded in the gradebook {args.gradebook}.")
    if gradebook is not None:
        gradebook.close()
    return 2 if any(r.status == "error" for r in results) else 0


def cmd_doctor(args: argparse.Namespace, course: Course | None) -> int:
    """What this machine offers the sandbox, strongest layer first."""
    table = Table(title="sandbox layers on this machine")
    for column in ("layer", "works", "what it adds"):
        table.add_column(column)
    notes = {
        "bwrap": "namespaces; only the interpreter, libraries and the submission are visible; no network",
        "unshare": "no network, processes contained; the filesystem stays visible",
        "none": "process separation and resource limits only",
    }
    yes, no = "[green]yes[/]", "[red]no[/]"
    for layer in isolation.LAYERS:
        table.add_row(layer, yes if isolation.works(layer) else no, notes[layer])
    table.add_row("seccomp", yes if policy.seccomp_works() else no,
                  "no new processes, exec, sockets, ptrace or signals to others")
    sandbox = policy.current()
    table.add_row("nproc", yes if sandbox.max_processes else no,
                  "RLIMIT_NPROC counted per user namespace (not for root)")
    out.print(table)
    out.print(f"grading will use: [bold]{'+'.join(sandbox.layers)}[/]  (python {sys.executable})")
    return 0


def _check_sandbox(args: argparse.Namespace) -> None:
    missing = policy.current().missing_for_require() if args.require_sandbox else []
    if missing:
        raise SpecError(f"--require-sandbox is set and this machine lacks {' and '.join(missing)} "
                        "(run `autograder doctor`)")


def _not_yet_graded(assignment: Assignment, sources: list[Path], gradebook: Gradebook,
                    student: str | None) -> list[Path]:
    grader_hash = assignment.grader_hash()
    remaining = []
    for source in sources:
        digest = fingerprint(source, assignment)
        name = student or student_name(source, assignment)
        if digest is None or not gradebook.has(assignment.id, name, digest, grader_hash):
            remaining.append(source)
    err.print(f"--resume: {len(sources) - len(remaining)} of {len(sources)} already graded, skipped")
    return remaining


def cmd_validate(args: argparse.Namespace, course: Course) -> int:
    from .validate import validate

    ids = args.assignments or [a for a in course.assignment_ids() if course.assignment(a).solution_dir]
    all_ok = True
    for assignment_id in ids:
        assignment = course.assignment(assignment_id)
        checks = validate(assignment, jobs=args.jobs or default_jobs())
        table = Table(title=f"validate {assignment.id}")
        for column in ("kind", "name", "score", "expected", "verdict", "problem"):
            table.add_column(column, overflow="fold")
        for check in checks:
            result = check.result
            table.add_row(
                check.kind, check.name, f"{result.score:.4g}/{result.max_score:.4g}", check.expectation,
                "[green]ok[/]" if check.ok else "[red]FAIL[/]", check.problem[:300],
            )
        out.print(table)
        all_ok &= all(check.ok for check in checks)
    out.print("[green]all checks pass[/]" if all_ok else "[red]some checks fail[/]")
    return 0 if all_ok else 1


def cmd_release(args: argparse.Namespace, course: Course) -> int:
    assignment = course.assignment(args.assignment)
    dest = Path(args.dest) / assignment.id
    if dest.exists():
        if not args.force:
            raise SpecError(f"{dest} exists (use --force to replace it)")
        shutil.rmtree(dest)
    # Only the student folder is copied: hidden material cannot leak by construction.
    shutil.copytree(assignment.directory, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out.print(f"released {assignment.id} to {dest}")
    return 0


def cmd_show(args: argparse.Namespace, course: Course) -> int:
    gradebook = Gradebook(args.gradebook)
    results = [r for r in gradebook.results(args.assignment) if not args.student or r.student == args.student]
    gradebook.close()
    if args.student:
        for result in results:
            render_result(out, result)
    render_batch(out, results, title=f"gradebook {args.gradebook}: {len(results)} attempt(s)")
    return 0


def cmd_export(args: argparse.Namespace, course: Course) -> int:
    gradebook = Gradebook(args.gradebook)
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as handle:
            gradebook.export_csv(handle)
        err.print(f"wrote {args.output}")
    else:
        gradebook.export_csv(sys.stdout)
    gradebook.close()
    return 0


def _course(args: argparse.Namespace) -> Course:
    return Course.locate(args.course)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="autograder", description="Grade NLP course assignments in a sandbox.")
    main.add_argument("--course", help="course folder with assignments/ (default: current folder or this checkout)")
    verbs = main.add_subparsers(dest="verb", required=True)

    verbs.add_parser("list", help="list the assignments").set_defaults(run=cmd_list)
    verbs.add_parser("doctor", help="show which sandbox layers work here").set_defaults(run=cmd_doctor)

    check = verbs.add_parser("check", help="run the public tests on your work")
    check.add_argument("assignment", help="assignment id, or the released assignment folder")
    check.add_argument("path", nargs="?", default=".", help="your folder, .py file or .zip (default: .)")
    check.set_defaults(run=cmd_check)

    grade = verbs.add_parser("grade", help="grade submissions with the hidden graders")
    grade.add_argument("assignment")
    grade.add_argument("submissions", nargs="+", help="folders, .py files, .zip archives or notebooks")
    grade.add_argument("--jobs", "-j", type=int, default=0, help="parallel workers (default: number of cores)")
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on the workers of this Dask scheduler (tcp://host:8786) instead of locally")
    grade.add_argument("--warm", action=argparse.BooleanOptionalAction, default=True,
                       help="fork each student process from a worker that has imported torch (default); "
                            "--no-warm starts a fresh interpreter per submission")
    grade.add_argument("--gradebook", default=DEFAULT_PATH, help=f"SQLite file or sqlite:/// URL (default {DEFAULT_PATH})")
    grade.add_argument("--no-gradebook", action="store_true", help="do not record the results")
    grade.add_argument("--json", action="store_true", help="print one Gradescope results.json object per line")
    grade.add_argument("--details", action="store_true", help="show every test of every submission")
    grade.add_argument("--resume", action="store_true",
                       help="skip submissions whose content these graders already graded into the gradebook")
    grade.add_argument("--student", help="the student's name when grading one submission")
    grade.add_argument("--require-sandbox", action=argparse.BooleanOptionalAction, default=bool(os.environ.get("CI")),
                       help="refuse to grade without namespaces and seccomp (default: on when $CI is set)")
    grade.set_defaults(run=cmd_grade)

    validate = verbs.add_parser("validate", help="prove the graders with the reference, the stub and the mutants")
    validate.add_argument("assignments", nargs="*")
    validate.add_argument("--jobs", "-j", type=int, default=0)
    validate.set_defaults(run=cmd_validate)

    release = verbs.add_parser("release", help="copy the student folder of an assignment")
    release.add_argument("assignment")
    release.add_argument("dest")
    release.add_argument("--force", action="store_true")
    release.set_defaults(run=cmd_release)

    show = verbs.add_parser("show", help="show the gradebook")
    show.add_argument("assignment", nargs="?")
    show.add_argument("--student")
    show.add_argument("--gradebook", default=DEFAULT_PATH)
    show.set_defaults(run=cmd_show)

    export = verbs.add_parser("export", help="export the latest scores as CSV")
    export.add_argument("--csv", action="store_true", default=True, help="CSV (the only format)")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.add_argument("--gradebook", default=DEFAULT_PATH)
    export.set_defaults(run=cmd_export)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args, None if args.run in (cmd_check, cmd_doctor) else _course(args))
    except (SpecError, ClusterError) as exc:
        err.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
