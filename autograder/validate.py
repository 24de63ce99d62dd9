"""Prove an assignment's graders: the reference earns full marks, the stub earns 0, and
every mutant loses points in each concept it declares.

A mutant is ``solutions/<id>/mutants/<name>.py`` (see :mod:`autograder.mutants`): only
the definitions a student got wrong, appended to the reference module. Its ``Loses:``
line names the concepts whose points it must lose.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from .batch import grade_many
from .mutants import Mutant, load_all
from .results import GradeResult
from .spec import Assignment

TOLERANCE = 1e-6


@dataclasses.dataclass
class Check:
    kind: str  # reference | stub | public | mutant
    name: str
    expectation: str
    result: GradeResult
    ok: bool
    problem: str = ""


def _expect_full(kind: str, name: str, result: GradeResult) -> Check:
    ok = result.status == "graded" and result.score >= result.max_score - TOLERANCE
    failed = [t.name for t in result.tests if t.status != "passed"]
    problem = result.output if result.status != "graded" else ("fails: " + "; ".join(failed[:5]) if failed else "")
    return Check(kind, name, "full marks", result, ok, "" if ok else problem)


def _expect_zero(kind: str, name: str, result: GradeResult) -> Check:
    ok = result.status == "graded" and result.score <= TOLERANCE
    passed = [t.name for t in result.tests if t.status == "passed"]
    problem = result.output if result.status != "graded" else "passes: " + "; ".join(passed[:5])
    return Check(kind, name, "0 points", result, ok, "" if ok else problem)


def _expect_losses(mutant: Mutant, result: GradeResult, concepts: set[str]) -> Check:
    scores = result.concept_scores()
    problems = []
    if result.status != "graded":
        problems.append(result.output)
    if not mutant.loses:
        problems.append("the mutant's docstring has no 'Loses:' line")
    for concept in mutant.loses:
        if concept not in concepts:
            problems.append(f"'Loses: {concept}' names no concept of the rubric")
        elif scores.get(concept, (0, 0))[0] >= scores.get(concept, (0, 0))[1] - TOLERANCE:
            problems.append(f"keeps all points of {concept}")
    if result.score >= result.max_score - TOLERANCE:
        problems.append("gets full marks")
    expectation = "loses " + ", ".join(mutant.loses)
    return Check("mutant", mutant.name, expectation, result, not problems, "; ".join(problems))


def validate(assignment: Assignment, jobs: int = 1) -> list[Check]:
    concepts = {c.id for c in assignment.rubric().concepts}
    mutants = load_all(assignment.mutants, assignment.files[0])
    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
        sources = [assignment.reference, assignment.directory]
        sources += [m.build(assignment.reference, Path(tmp) / m.name) for m in mutants]
        names = ["reference", "stub"] + [f"mutant:{m.name}" for m in mutants]
        results = grade_many(assignment, sources, jobs=jobs, students=names)
        public = grade_many(assignment, [assignment.reference], public=True, students=["reference"])[0]
    checks = [_expect_full("reference", "reference", results[0]), _expect_zero("stub", "stub", results[1])]
    checks.append(_expect_full("public", "reference on the public tests", public))
    checks += [_expect_losses(m, r, concepts) for m, r in zip(mutants, results[2:])]
    return checks
