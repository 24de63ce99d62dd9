"""The ``autograder`` command: thin verbs over the pipeline.

    autograder list
    autograder check ASSIGNMENT [PATH]
    autograder grade ASSIGNMENT SUBMISSION... [--jobs N | --cluster tcp://HOST:8786] [--gradebook URL] [--json]
    autograder grade ASSIGNMENT --nbgrader COURSE_DIR
    autograder validate [ASSIGNMENT...]
    autograder try ASSIGNMENT reference|stub|VARIANT|MUTANT
    autograder release ASSIGNMENT DEST [--nbgrader]
    autograder show [ASSIGNMENT] [--student NAME]
    autograder export --csv [-o FILE]
    autograder doctor

The verbs only parse, check their arguments and render: grading and recording happen in
:mod:`autograder.batch`. Exit codes are in :class:`Exit` and in ``--help``.
"""

from __future__ import annotations

import argparse
import enum
import json
import logging
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from . import late, logs, nbgrader_course
from .batch import default_jobs, grade_many
from .cluster import ClusterError
from .extras import MissingExtra, require
from .feedback.gradescope import to_gradescope
from .feedback.terminal import render_batch, render_check, render_result, render_summary, render_validation
from .gradebook import Gradebook, GradebookError, GradebookMissing, describe, locate
from .i18n import LANGUAGES, SOURCE, Translator, translator
from .nbgrader_course import NbgraderError
from .nbgrader_source import release_source
from .pipeline import one_compute_thread
from .results import ERROR, REJECTED, SKIPPED, GradeResult
from .sandbox import isolation, policy
from .spec import Assignment, Course, SpecError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
log = logging.getLogger("autograder")


class Exit(enum.IntEnum):
    """What ``autograder`` returns. Scripts may rely on these numbers (meanings below)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    REJECTED = 3
    ERROR = 4
    SANDBOX = 5
    CLUSTER = 6


EXIT_MEANINGS = {
    Exit.OK: "everything asked for was done (grade: every submission was graded, whatever its score)",
    Exit.FAILED: "check: some public tests fail; validate: some checks fail",
    Exit.USAGE: "bad arguments or course files (an unknown assignment or student, a path that does not exist, "
                "no gradebook where one was expected, a broken rubric); nothing was graded",
    Exit.REJECTED: "grade: some submissions were rejected at intake (a broken zip, no module); the rest were graded",
    Exit.ERROR: "grade: the framework or the graders failed on some submissions (regrade them); takes precedence "
                "over 3",
    Exit.SANDBOX: "--require-sandbox refused to grade on a machine without namespaces and seccomp",
    Exit.CLUSTER: "the Dask scheduler could not be reached or had no workers; nothing was graded",
}

EXIT_CODES_HELP = "exit codes:\n" + "\n".join(
    textwrap.fill(meaning, 78, initial_indent=f"  {code.value}  ", subsequent_indent="     ")
    for code, meaning in EXIT_MEANINGS.items())


class UsageError(Exception):
    """The command line asks for something that does not exist; nothing was done."""


class SandboxRefused(Exception):
    """``--require-sandbox`` is set and a sandbox layer is missing."""


# --------------------------------------------------------------------------- verbs


def cmd_list(args: argparse.Namespace, course: Course) -> int:
    assignments = [course.assignment(assignment_id) for assignment_id in course.assignment_ids()]
    table = Table(title=f"assignments in {course.root}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  leading=1)
    # The id is what people type: its column is never narrower than the longest one.
    table.add_column("assignment", overflow="fold", min_width=max((len(a.id) for a in assignments), default=10))
    table.add_column("files", overflow="fold")
    for column in ("points", "concepts", "mutants"):
        table.add_column(column, justify="right", no_wrap=True)
    for assignment in assignments:
        points = concepts = mutants = "-"
        if assignment.solution_dir is not None:
            rubric = assignment.rubric()
            points, concepts = f"{rubric.max_score:g}", str(len(rubric.concepts))
            mutants = str(len(list(assignment.mutants.glob("*.py"))))
        name = Text.assemble((assignment.id, "bold"), "\n", (assignment.title, "dim"))
        table.add_row(name, ", ".join(assignment.files), points, concepts, mutants)
    out.print(table)
    return Exit.OK


def cmd_check(args: argparse.Namespace, course: Course | None) -> int:
    released = Path(args.assignment) / "assignment.yaml"
    # A student's released folder needs no course checkout around it.
    assignment = Assignment.load(released.parent.resolve()) if released.is_file() else _course(args).assignment(args.assignment)
    _require_paths([args.path])
    err.print(f"Running the public tests of {assignment.title} on {args.path} ...")
    result = grade_many(assignment, [Path(args.path)], public=True)[0]
    tr = translator(args.lang, [assignment.directory])
    from .github import commands_stopped, reached, report_github

    if args.github:
        with commands_stopped(out.file):  # what the student's code printed cannot act as a workflow command
            render_check(out, result, tr)
    else:
        render_check(out, result, tr)
    if args.junit:
        _write_junit([result], Path(args.junit), tr, audience="student", due=late.due_instant(assignment))
    if args.github:
        return report_github(result, assignment, tr, threshold=args.threshold)
    return Exit.OK if reached(result, args.threshold) else Exit.FAILED


def cmd_grade(args: argparse.Namespace, course: Course) -> int:
    assignment = course.assignment(args.assignment)
    assignment.rubric()  # a broken rubric stops the batch before anything runs
    if args.cluster:
        require("cluster", "--cluster")
    students: list[str | None] | None = None
    recorded: dict[str, Any] = {}
    if args.nbgrader:
        require("nbgrader", "--nbgrader")
        if args.submissions or args.student:
            raise UsageError("--nbgrader takes the submissions and students from the course folder: "
                             "pass no SUBMISSION and no --student")
        collected = nbgrader_course.collected(Path(args.nbgrader), assignment.id)
        nbgrader_course.ready(assignment, Path(args.nbgrader))  # before grading, not after
        args.submissions = [str(c.path) for c in collected]
        students = [c.student for c in collected]
        recorded = {c.student: c.submitted_at for c in collected if c.submitted_at is not None}
    elif not args.submissions:
        raise UsageError("grade: pass the submissions to grade (or --nbgrader COURSE_DIR)")
    if args.student and len(args.submissions) != 1:
        raise UsageError("--student names one submission; pass exactly one")
    if args.student:
        students = [args.student]
    _require_paths(args.submissions)
    if not args.cluster:  # on a cluster each worker checks its own sandbox
        _check_sandbox(args)
    sources = [Path(s) for s in args.submissions]
    tr = _translator(args, course, [assignment.id])
    dating = late.dating(assignment, sources, students=students, submitted_at=args.submitted_at,
                         manifest=args.manifest, extensions=args.extensions, recorded=recorded)
    for note in dating.notes(tr):
        err.print(note)
    gradebook = None
    if not args.no_gradebook:
        location, why = locate(args.gradebook, course.root)
        gradebook = Gradebook.open(location)
        err.print(f"Gradebook: {describe(location)} (from {why})")
    progress = Progress(
        TextColumn("grading {task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=len(sources) < 2,
    )

    def on_result(result: GradeResult) -> None:
        if args.json and result.status != SKIPPED:
            out.file.write(json.dumps(to_gradescope(result, tr), ensure_ascii=tr.english) + "\n")
            out.file.flush()
        progress.advance(task)

    try:
        with progress:
            task = progress.add_task(assignment.id, total=len(sources))
            results = grade_many(assignment, sources, jobs=args.jobs or default_jobs(), on_result=on_result,
                                 students=students, cluster=args.cluster,
                                 require_sandbox=args.require_sandbox, warm=args.warm, gradebook=gradebook,
                                 resume=args.resume, submitted_at=dating.times, extensions=dating.extensions)
    finally:
        if gradebook is not None:
            gradebook.close()
    skipped = [r for r in results if r.status == SKIPPED]
    results = [r for r in results if r.status != SKIPPED]
    if args.resume:
        err.print(f"--resume: {len(skipped)} of {len(sources)} already graded, skipped")
    if args.nbgrader:
        for note in nbgrader_course.record(results, assignment, Path(args.nbgrader), tr):
            err.print(note)
        err.print(f"Recorded in the nbgrader gradebook {nbgrader_course.gradebook_url(Path(args.nbgrader))}.")
    if args.html:
        _write_html(results, Path(args.html), args.audience, course, tr)
    if args.junit:
        _write_junit(results, Path(args.junit), tr, audience=args.audience, due=late.due_instant(assignment))
    if not args.json:
        if len(results) == 1 or args.details:
            for result in results:
                render_result(out, result, tr)
        render_batch(out, results, title=f"{assignment.title}: {len(results)} submission(s)", tr=tr)
        render_summary(out, results, tr)
        if gradebook is not None:
            out.print(f"Recorded in the gradebook {describe(gradebook.location)}.")
    if any(r.status == ERROR for r in results):
        return Exit.ERROR
    if any(r.status == REJECTED for r in results):
        return Exit.REJECTED
    return Exit.OK


def cmd_doctor(args: argparse.Namespace, course: Course | None) -> int:
    """What this machine offers the sandbox, strongest layer first."""
    table = Table(title="sandbox layers on this machine", title_justify="left")
    table.add_column("layer", no_wrap=True)
    table.add_column("works", no_wrap=True)
    table.add_column("what it adds", ratio=1)
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
    return Exit.OK


def cmd_validate(args: argparse.Namespace, course: Course) -> int:
    from .validate import validate

    ids = args.assignments or [a for a in course.assignment_ids() if course.assignment(a).solution_dir]
    all_ok = True
    for assignment_id in ids:
        assignment = course.assignment(assignment_id)
        checks = validate(assignment, jobs=args.jobs or default_jobs(), repeat=args.repeat)
        render_validation(out, assignment.id, checks)
        all_ok &= all(check.ok for check in checks)
    out.print("[green]all checks pass[/]" if all_ok else "[red]some checks fail[/]")
    return Exit.OK if all_ok else Exit.FAILED


def cmd_new(args: argparse.Namespace, course: Course) -> int:
    """Write a new assignment's files (see :mod:`autograder.scaffold`), then say what next."""
    from .scaffold import ScaffoldError, create, parse_functions

    try:
        written = create(course.root, args.id, args.module, parse_functions(args.functions or ""),
                         parse_functions(args.classes or "", default=""))
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    out.print(f"wrote {len(written)} files for {args.id} under {course.root}:")
    for path in written:
        out.print(f"  {path.relative_to(course.root)}")
    course_option = f"--course {args.course} " if args.course else ""
    out.print(Text(
        f"\nNext: fill in every TODO (docs/writing-an-assignment.md says what each file holds), then run "
        f"`autograder {course_option}validate {args.id}`: until it passes it lists what is missing.", style="bold"))
    return Exit.OK


def cmd_try(args: argparse.Namespace, course: Course) -> int:
    """Grade the reference, the stub, a variant or a known mistake exactly as a student's
    submission and show what that student reads: the quickest way to read the feedback
    each mistake gets. Nothing is recorded."""
    from .mutants import load_all
    from .validate import variants

    assignment = course.assignment(args.assignment)
    assignment.rubric()
    mutants = {m.name: m for m in load_all(assignment.mutants, assignment.files[0])}
    ready = {"reference": assignment.reference, "stub": assignment.directory}
    ready.update({path.stem: path for path in variants(assignment)})
    if args.what not in mutants and args.what not in ready:
        raise UsageError(f"{args.what!r} is not one of reference, stub, "
                         + "".join(f"the variant {name}, " for name in sorted(ready) if name not in ("reference", "stub"))
                         + f"or a mutant of {assignment.id}: {', '.join(sorted(mutants)) or '(none)'}")
    with tempfile.TemporaryDirectory(prefix="autograder-try-") as tmp:
        source = (mutants[args.what].build(assignment.reference, Path(tmp) / args.what) if args.what in mutants
                  else ready[args.what])
        result = grade_many(assignment, [source], students=[args.what])[0]
    render_result(out, result, _translator(args, course, [assignment.id]))
    return Exit.ERROR if result.status == ERROR else Exit.OK


def cmd_translations(args: argparse.Namespace, course: Course) -> int:
    """Per catalogue (the framework's, then each assignment's graders' and public tests'),
    how many messages it translates and which it lacks; ``--update`` first adds the new
    messages to the PO files (empty, for a translator) and drops the ones gone."""
    from . import messages

    ids = args.assignments or [a for a in course.assignment_ids() if course.assignment(a).solution_dir]
    catalogues: list[tuple[str, Path, list[messages.Message]]] = []
    if not args.assignments:
        catalogues.append(("autograder", messages.FRAMEWORK, messages.framework_messages()))
    for assignment_id in ids:
        assignment = course.assignment(assignment_id)
        if assignment.solution_dir is not None:
            catalogues.append((assignment.id, assignment.solution_dir, messages.solution_messages(assignment)))
        catalogues.append((f"{assignment.id} (public)", assignment.directory, messages.public_messages(assignment)))
    complete = True
    for name, folder, found in catalogues:
        if args.update:
            added, removed = messages.update(folder, found, args.lang, name.split()[0])
            if added or removed:
                out.print(f"{name}: {added} new message(s) to translate, {removed} gone")
        lacking = messages.missing(folder, found, args.lang)
        wrong = messages.problems(folder, args.lang)
        total = len({m.id for m in found})
        out.print(Text.assemble((name, "bold"), f"  {total - len(lacking)} of {total} translated ",
                                (f"({messages.catalogue_path(folder, args.lang)})", "dim")))
        for message in lacking:
            text = message.id[:200].replace("\n", "\\n")
            out.print(Text(f"  missing  {message.where[0]}:{message.where[1]}  {text}", style="red"))
        for problem in wrong:
            out.print(Text(f"  wrong    {problem}", style="red"))
        complete &= not lacking and not wrong
    return Exit.OK if complete else Exit.FAILED


def cmd_release(args: argparse.Namespace, course: Course) -> int:
    """Copy ``assignments/<id>/`` to ``DEST/<id>/`` (DEST is where released assignments
    live; each one gets its own folder, named by its id)."""
    assignment = course.assignment(args.assignment)
    if args.nbgrader:
        try:
            notebook = release_source(assignment, Path(args.dest), force=args.force)
        except FileExistsError as exc:
            raise UsageError(str(exc)) from None
        out.print(f"wrote the nbgrader source notebook {notebook}; next, in {args.dest}: "
                  f"nbgrader generate_assignment {assignment.id}")
        return Exit.OK
    dest = Path(args.dest) / assignment.id
    if dest.exists():
        if not args.force:
            raise UsageError(f"{dest} exists (use --force to replace it)")
        shutil.rmtree(dest)
    # Only the student folder is copied: hidden material cannot leak by construction.
    shutil.copytree(assignment.directory, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out.print(f"released {assignment.id} to {dest}")
    return Exit.OK


def cmd_show(args: argparse.Namespace, course: Course) -> int:
    location, why = locate(args.gradebook, course.root)
    with _existing_gradebook(location, why) as gradebook:
        results = gradebook.results(args.assignment, args.student)
        if not results:
            _nothing_matches(gradebook, args.assignment, args.student, location)
    tr = _translator(args, course, sorted({r.assignment for r in results}))
    if args.html:
        newest = {(r.assignment, r.student): r for r in results}  # attempts come oldest first
        _write_html(list(newest.values()), Path(args.html), args.audience, course, tr)
    if args.student:
        for result in results:
            render_result(out, result, tr)
    render_batch(out, results, title=f"gradebook {describe(location)}: {len(results)} attempt(s)", tr=tr)
    return Exit.OK


def _translator(args: argparse.Namespace, course: Course, assignment_ids: list[str]) -> Translator:
    """The reader's language (``--lang``, ``$AUTOGRADER_LANG``, the locale) with the
    catalogues of these assignments (their public tests' and their graders')."""
    folders: list[Path | None] = []
    for assignment_id in assignment_ids:
        if assignment_id in course.assignment_ids():
            assignment = course.assignment(assignment_id)
            folders += [assignment.solution_dir, assignment.directory]
    return translator(args.lang, folders)


def _write_junit(results: list[GradeResult], path: Path, tr: Translator, *, audience: str, due: str | None) -> None:
    from .feedback.junit import write_junit

    write_junit(results, path, tr, audience=audience, due=due)
    err.print(f"wrote {path} (JUnit XML, {len(results)} submission(s), for {audience}s)")


def _write_html(results: list[GradeResult], folder: Path, audience: str, course: Course, tr: Translator) -> None:
    """One self-contained page per attempt and an index per assignment, under ``folder``."""
    from .feedback.html import write_reports
    from .stats import stats_page

    written = 0
    for assignment_id in sorted({r.assignment for r in results}):
        due = late.due_instant(course.assignment(assignment_id)) if assignment_id in course.assignment_ids() else None
        written += len(write_reports([r for r in results if r.assignment == assignment_id], folder,
                                     audience=audience, due=due, tr=tr, stats=stats_page(tr=tr)))
    err.print(f"wrote {written} HTML page(s) for {audience}s under {folder}/ (index.html per assignment is "
              "for instructors)")


# --------------------------------------------------------------------------- checks


def _require_paths(paths: list[str]) -> None:
    """A path that does not exist is a typo, not a student: refuse before grading anything."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise UsageError(f"no such file or folder: {shown} (nothing was graded)")


def _check_sandbox(args: argparse.Namespace) -> None:
    missing = policy.current().missing_for_require() if args.require_sandbox else []
    if missing:
        raise SandboxRefused(f"--require-sandbox is set and this machine lacks {' and '.join(missing)} "
                             "(run `autograder doctor`)")


def _existing_gradebook(location: str, why: str) -> Gradebook:
    try:
        return Gradebook.open(location, create=False)
    except GradebookMissing:
        raise UsageError(
            f"there is no gradebook at {describe(location)} (from {why}): nothing has been graded into it. "
            f"Grade first, or name the gradebook with --gradebook or $AUTOGRADER_GRADEBOOK.") from None


def _nothing_matches(gradebook: Gradebook, assignment: str | None, student: str | None, location: str) -> None:
    if student and student not in gradebook.students(assignment):
        known = gradebook.students(assignment)
        listed = ", ".join(known[:20]) + (f" ... ({len(known)} in all)" if len(known) > 20 else "")
        raise UsageError(f"no attempts by {student!r}" + (f" in {assignment}" if assignment else "")
                         + f" in the gradebook {describe(location)} (students: {listed or 'none'})")
    present = sorted({row["assignment"] for row in gradebook.attempts()})
    if not assignment:
        raise UsageError(f"the gradebook {describe(location)} has no attempts yet")
    raise UsageError(f"no attempts of {assignment!r} in the gradebook {describe(location)} "
                     f"(assignments in it: {', '.join(present) or 'none'})")


def _course(args: argparse.Namespace) -> Course:
    return Course.locate(args.course)


# --------------------------------------------------------------------------- parsing


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="autograder", description="Grade NLP course assignments in a sandbox.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--course", help="course folder with assignments/ (default: $AUTOGRADER_COURSE, the current "
                                       "folder, or this checkout)")
    main.add_argument("-v", "--verbose", action="store_true", help="say what is happening (log at INFO level)")
    main.add_argument("--debug", action="store_true", help="log everything, with the tracebacks of framework failures")
    verbs = main.add_subparsers(dest="verb", required=True)
    gradebook_help = ("SQLite file or SQLAlchemy URL (default: $AUTOGRADER_GRADEBOOK, else gradebook.db in the "
                      "course folder)")

    def verb(name: str, help: str) -> argparse.ArgumentParser:
        return verbs.add_parser(name, help=help, description=help, epilog=EXIT_CODES_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)

    verb("list", "list the assignments").set_defaults(run=cmd_list)
    verb("doctor", "show which sandbox layers work here").set_defaults(run=cmd_doctor)

    check = verb("check", "run the public tests on your work")
    check.add_argument("assignment", help="assignment id, or the released assignment folder")
    check.add_argument("path", nargs="?", default=".", help="your folder, .py file, .zip or notebook (default: .)")
    lang_help = ("the language of the feedback: " + " or ".join(LANGUAGES)
                 + " (default: $AUTOGRADER_LANG, else the locale's language, else en)")
    check.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    junit_help = "also write the results as JUnit XML to FILE (one testsuite per submission), for CI dashboards"
    check.add_argument("--junit", metavar="FILE", help=junit_help)
    from .github import add_check_arguments, register_ci_template

    add_check_arguments(check)
    check.set_defaults(run=cmd_check)

    grade = verb("grade", "grade submissions with the hidden graders and record them in the gradebook")
    grade.add_argument("assignment")
    grade.add_argument("submissions", nargs="*", help="folders, .py files, .zip archives or notebooks")
    grade.add_argument("--nbgrader", metavar="COURSE_DIR",
                       help="grade the notebooks nbgrader collected in COURSE_DIR/submitted/<student>/<assignment>/ "
                            "and write the scores into that course's nbgrader gradebook too (needs the nbgrader extra)")
    grade.add_argument("--jobs", "-j", type=int, default=0, help="parallel workers (default: number of cores)")
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on the workers of this Dask scheduler (tcp://host:8786) instead of locally")
    grade.add_argument("--warm", action=argparse.BooleanOptionalAction, default=True,
                       help="fork each student process from a worker that has imported torch (default); "
                            "--no-warm starts a fresh interpreter per submission")
    grade.add_argument("--gradebook", help=gradebook_help)
    grade.add_argument("--no-gradebook", action="store_true", help="do not record the results")
    grade.add_argument("--json", action="store_true",
                       help="print one Gradescope results.json object per submission and line")
    grade.add_argument("--details", action="store_true", help="show every test of every submission")
    grade.add_argument("--resume", action="store_true",
                       help="skip submissions whose content these graders already graded into the gradebook")
    grade.add_argument("--student", help="the student's name when grading one submission")
    html_help = ("write one self-contained HTML report per submission to DIR/<assignment>/<student>.html, and an "
                 "index.html per assignment (for instructors)")
    audience_help = ("student (default): hidden checks left out, after_due_date ones until the due date; "
                     "instructor: everything, marked")
    grade.add_argument("--html", metavar="DIR", help=html_help)
    grade.add_argument("--audience", choices=("student", "instructor"), default="student", help=audience_help)
    grade.add_argument("--require-sandbox", action=argparse.BooleanOptionalAction, default=bool(os.environ.get("CI")),
                       help="refuse to grade without namespaces and seccomp (default: on when $CI is set)")
    grade.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    late.add_grade_arguments(grade)
    grade.add_argument("--junit", metavar="FILE", help=junit_help + "; follows --audience")
    grade.set_defaults(run=cmd_grade)

    validate = verb("validate", "prove the graders with the reference, the stub and the mutants")
    validate.add_argument("assignments", nargs="*")
    validate.add_argument("--jobs", "-j", type=int, default=0,
                          help="submissions graded at once (default: the number of cores)")
    validate.add_argument("--repeat", type=int, default=1, metavar="N",
                          help="grade the reference and the variants N times with fresh seeds (flakiness)")
    validate.set_defaults(run=cmd_validate)

    try_ = verb("try", "grade the reference, the stub, a variant or a mutant as a student's submission and "
                       "show that student's feedback (nothing is recorded)")
    try_.add_argument("assignment")
    try_.add_argument("what", metavar="reference|stub|VARIANT|MUTANT",
                      help="a mutant's or variant's name is its file name without .py")
    try_.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    try_.set_defaults(run=cmd_try)

    new = verb("new", "write a new assignment's files (stub, README en/ko, public tests, graders, rubric, "
                      "reference, mutants) for `validate` to run at once")
    new.add_argument("id", help="the assignment id (names assignments/<id>/ and solutions/<id>/)")
    new.add_argument("--module", required=True, help="the module students complete, without .py")
    new.add_argument("--functions", metavar="F,G", help="functions, each a name or a signature: "
                     "'softmax(logits, temperature=1.0),top_k(logits, k)'")
    new.add_argument("--classes", metavar="C,D", help="classes students write, each a name or with the "
                     "parameters of __init__: 'Vocab(itos),Sampler'")
    new.set_defaults(run=cmd_new)

    release = verb("release", "copy an assignment's student folder to DEST/<id>/")
    release.add_argument("assignment")
    release.add_argument("dest", help="folder that receives <id>/ (created if needed)")
    release.add_argument("--force", action="store_true", help="replace DEST/<id>/ if it exists")
    release.add_argument("--nbgrader", action="store_true",
                         help="DEST is an nbgrader course: write its source/<id>/<id>.ipynb (the README, a solution "
                              "cell per function, a test cell per concept) and the public tests beside it")
    release.set_defaults(run=cmd_release)

    translations = verb("translations", "check that every message students and instructors read has a "
                                        "translation; --update adds new messages to the PO catalogues")
    translations.add_argument("assignments", nargs="*", help="these assignments only (default: the framework and "
                                                             "every assignment)")
    translations.add_argument("--lang", choices=[lang for lang in LANGUAGES if lang != SOURCE], default="ko")
    translations.add_argument("--update", action="store_true",
                              help="add new messages (untranslated) and drop removed ones first")
    translations.set_defaults(run=cmd_translations)

    from .similarity import register as register_similarity
    from .stats import register as register_stats

    register_similarity(verb)
    register_stats(verb)

    show = verb("show", "show the gradebook (with --student, every test's feedback)")
    show.add_argument("assignment", nargs="?")
    show.add_argument("--student")
    show.add_argument("--gradebook", help=gradebook_help)
    show.add_argument("--html", metavar="DIR", help=html_help.replace("per submission", "per student (their latest "
                                                                                        "attempt)"))
    show.add_argument("--audience", choices=("student", "instructor"), default="student", help=audience_help)
    show.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    show.set_defaults(run=cmd_show)

    from .export import register as register_export
    from .gradescope_bundle import register as register_gradescope

    register_export(verb)
    register_gradescope(verb)
    register_ci_template(verb)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logs.configure(logs.level_of(args.verbose, args.debug))
    if __name__ == "__main__" or argv is None:  # this process is the command's own (not a caller's)
        one_compute_thread()
    codes = {UsageError: Exit.USAGE, SpecError: Exit.USAGE, GradebookError: Exit.USAGE, MissingExtra: Exit.USAGE,
             NbgraderError: Exit.USAGE,
             SandboxRefused: Exit.SANDBOX, ClusterError: Exit.CLUSTER}
    try:
        return int(args.run(args, None if args.run in (cmd_check, cmd_doctor) else _course(args)))
    except tuple(codes) as exc:
        log.debug("stopped", exc_info=True)
        err.print(Text.assemble(("error: ", "red"), str(exc)))
        return int(next(code for kind, code in codes.items() if isinstance(exc, kind)))


if __name__ == "__main__":
    sys.exit(main())
