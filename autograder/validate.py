"""Prove an assignment's graders before any student meets them.

- the reference, and every independent correct solution in ``solutions/<id>/variants/``,
  earn full marks (``repeat`` times, with fresh secret seeds: statistical checks must not
  fail a correct solution);
- the stub, and do-nothing submissions generated from the stub's signatures (every
  function returns None, 0, 0.0, 100.0, [], an empty Counter or its first argument), earn
  0: a point is paid for work done, never for doing nothing;
- every mutant (a known mistake, see :mod:`autograder.mutants`) loses points in exactly
  the concepts its ``Loses:`` line names and in no other (one mistake is charged once,
  where the student reads its rule), costs at most a third of the marks, and is named by
  the feedback: some failed check recognises it by its answer, and none names another
  mistake.

Before grading, :mod:`autograder.authoring` reads the files themselves (docstring titles,
assert messages, TODOs, the rubric against the tests, the mutants' docstrings): each problem
is reported once, above the table, with its file; a blocking one (a broken rubric) stops
validation before anything is graded.

The submissions of one round share one secret seed, so a mutant meets exactly the inputs
on which the reference earned full marks (and graders may reuse work that depends only on
code and seed, see :mod:`autograder.toolkit.memo`).
"""

from __future__ import annotations

import ast
import dataclasses
import secrets
import tempfile
from pathlib import Path

from .authoring import check as check_files
from .batch import grade_many
from .mutants import Mutant, load_all
from .results import GradeResult
from .spec import Assignment

TOLERANCE = 1e-6
MAX_SHARE = 1 / 3
"""The largest share of the marks one mistake may cost."""

DO_NOTHING = {
    "none": "None", "zero": "0", "zero_float": "0.0", "hundred": "100.0", "empty_list": "[]",
    "empty_counter": "Counter()", "first_argument": None,
}
"""The do-nothing submissions: every function returns this (None: its first argument)."""


@dataclasses.dataclass
class Check:
    kind: str  # file | reference | variant | stub | do-nothing | public | mutant
    name: str
    expectation: str
    result: GradeResult | None
    """None for a problem in the files (kind ``file``), found before grading."""
    ok: bool
    problem: str = ""
    lost: str = ""
    """For a mutant: the share of the marks it loses and where."""


def not_graded(result: GradeResult) -> str:
    """Why a result is not a grade: for checks that broke in grader code, each test, the
    exception and the grader line (the traceback is in the log, ``--debug``)."""
    broken = [f"{t.test.split('::')[-1]}: {t.grader_error}" for t in result.tests if t.status == "error"]
    if broken:
        return "THE GRADERS BROKE in " + "; ".join(broken[:3]) + (f"; and {len(broken) - 3} more"
                                                                 if len(broken) > 3 else "")
    return result.output


def _expect_full(kind: str, name: str, result: GradeResult) -> Check:
    ok = result.status == "graded" and result.score >= result.max_score - TOLERANCE
    failed = [t.name for t in result.tests if t.status != "passed"]
    problem = not_graded(result) if result.status != "graded" else ("fails: " + "; ".join(failed[:5]) if failed else "")
    return Check(kind, name, "full marks", result, ok, "" if ok else problem)


def _expect_zero(kind: str, name: str, result: GradeResult) -> Check:
    ok = result.status == "graded" and result.score <= TOLERANCE
    paid = [f"{t.name} ({t.score:.3g})" for t in result.tests if t.score > TOLERANCE]
    problem = not_graded(result) if result.status != "graded" else "paid: " + "; ".join(paid[:5])
    return Check(kind, name, "0 points", result, ok, "" if ok else problem)


def _expect_losses(mutant: Mutant, result: GradeResult, concepts: set[str]) -> Check:
    scores = result.concept_scores()
    lost_in = [c for c, (got, total) in scores.items() if got < total - TOLERANCE]
    share = (result.max_score - result.score) / result.max_score if result.max_score else 0.0
    problems = []  # a missing Loses: or Hint: line is a file problem, reported above the table
    if result.status != "graded":
        problems.append(not_graded(result))
    for concept in mutant.loses:
        if concept in concepts and concept not in lost_in:
            problems.append(f"keeps all points of {concept}")
    if result.score >= result.max_score - TOLERANCE:
        problems.append("gets full marks")
    if result.status == "graded":
        problems += _proportion_and_naming(mutant, result, lost_in, share)
    lost = (f"{share:.0%} of the marks: " + ", ".join(
        f"{c} {scores[c][1] - scores[c][0]:.3g} of {scores[c][1]:.3g}" for c in lost_in)) if lost_in else ""
    return Check("mutant", mutant.name, "loses " + ", ".join(mutant.loses), result, not problems,
                 "; ".join(problems), lost)


def _proportion_and_naming(mutant: Mutant, result: GradeResult, lost_in: list[str], share: float) -> list[str]:
    problems = []
    collateral = [c for c in lost_in if c not in mutant.loses]
    if collateral:
        problems.append(f"also loses {', '.join(collateral)} (one mistake is charged in its own concepts only)")
    if share > MAX_SHARE + TOLERANCE:
        problems.append(f"costs {share:.0%} of the marks (at most {MAX_SHARE:.0%})")
    named = {t.evidence.diagnosis.mistake for t in result.tests
             if t.status == "failed" and t.evidence is not None and t.evidence.diagnosis is not None}
    if mutant.hint and mutant.name not in named:
        problems.append("no failed check recognises this mistake (the student reads no hint)")
    if named - {mutant.name}:
        problems.append(f"the feedback names another mistake: {', '.join(sorted(named - {mutant.name}))}")
    return problems


def do_nothing_source(stub: str, returns: str | None) -> str:
    """The stub with every function returning ``returns`` (None: its first argument) and
    every class method doing the same (``__init__`` only initialises the base)."""
    tree = ast.parse(stub)

    def body(function: ast.FunctionDef, in_class: bool) -> list[ast.stmt]:
        if function.name == "__init__":
            return ast.parse("super().__init__()").body if in_class else [ast.Pass()]
        if returns is not None:
            return ast.parse(f"return {returns}").body
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        if in_class and params and params[0] in ("self", "cls"):
            params = params[1:]
        return ast.parse(f"return {params[0] if params else 'None'}").body

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = body(node, False)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    item.body = body(item, bool(node.bases))
    # After the docstring and any `from __future__` import, which must come first.
    first = 0
    for index, node in enumerate(tree.body):
        is_docstring = index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if is_docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            first = index + 1
    tree.body[first:first] = ast.parse("from collections import Counter").body
    return ast.unparse(tree) + "\n"


def _do_nothing(assignment: Assignment, root: Path) -> list[tuple[str, Path]]:
    made = []
    for kind, returns in DO_NOTHING.items():
        folder = root / f"do-nothing-{kind}"
        folder.mkdir()
        for name in assignment.files:
            stub = assignment.directory / name
            if name.endswith(".py") and stub.is_file():
                (folder / name).write_text(do_nothing_source(stub.read_text(encoding="utf-8"), returns))
        made.append((f"returns {returns or 'its first argument'}", folder))
    return made


def variants(assignment: Assignment) -> list[Path]:
    """Independent correct solutions: ``solutions/<id>/variants/<name>/`` or ``<name>.py``."""
    folder = assignment.solution_dir / "variants" if assignment.solution_dir else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() or p.suffix == ".py")


def validate(assignment: Assignment, jobs: int = 1, *, repeat: int = 1) -> list[Check]:
    """Every check of the module docstring: the files' problems (kind ``file``) first."""
    found = check_files(assignment)
    problems = [Check("file", str(p), "", None, False) for p in found]
    if any(p.blocks for p in found):
        return problems
    concepts = {c.id for c in assignment.rubric().concepts}
    mutants = load_all(assignment.mutants, assignment.files[0])
    correct = [("reference", assignment.reference)] + [(f"variant:{p.stem}", p) for p in variants(assignment)]
    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
        root = Path(tmp)
        empty = _do_nothing(assignment, root)
        sources = [path for _, path in correct] * repeat + [assignment.directory] + [p for _, p in empty]
        sources += [m.build(assignment.reference, root / m.name) for m in mutants]
        names = [name for name, _ in correct] * repeat + ["stub"] + [f"do-nothing:{k}" for k, _ in empty]
        names += [f"mutant:{m.name}" for m in mutants]
        # One secret seed per round: the stub, the do-nothing submissions and the mutants
        # meet the inputs of the first round's reference.
        rounds = [secrets.token_hex(8) for _ in range(repeat)]
        seeds = [seed for seed in rounds for _ in correct] + [rounds[0]] * (len(sources) - len(correct) * repeat)
        results = grade_many(assignment, sources, jobs=jobs, students=names, seeds=seeds)
        public = grade_many(assignment, [assignment.reference], public=True, students=["reference"])[0]
    runs = len(correct) * repeat
    checks = problems
    for index, (name, _) in enumerate(correct):
        rounds = [_expect_full("reference" if name == "reference" else "variant", name.split(":")[-1], result)
                  for result in results[index:runs:len(correct)]]
        failed = [c for c in rounds if not c.ok]
        check = failed[0] if failed else rounds[0]
        if repeat > 1:
            check.expectation = f"full marks {repeat} times"
            check.problem = "; ".join(f"seed {c.result.seed}: {c.problem}" for c in failed)
        checks.append(check)
    checks.append(_expect_zero("stub", "stub", results[runs]))
    checks += [_expect_zero("do-nothing", label, r) for (label, _), r in zip(empty, results[runs + 1:])]
    checks.append(_expect_full("public", "reference on the public tests", public))
    mutant_results = results[runs + 1 + len(empty):]
    checks += [_expect_losses(m, r, concepts) for m, r in zip(mutants, mutant_results)]
    return checks
