"""Verdicts x rubric -> points. Verdicts are the statistics; the rubric is the formula.

A concept's points are shared equally by the tests it matches, so a submission that gets
half of a concept's cases right earns half of its points. Changing the rubric re-scores
stored verdicts without running anything again.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .spec import Assignment, Rubric, SpecError
from .testing import Verdict


@dataclasses.dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    test: str
    concept: str
    concept_title: str
    status: str  # "passed" | "failed"
    score: float
    max_score: float
    output: str
    visibility: str
    duration: float
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class GradeResult:
    """Everything known about one graded attempt; renderers and the gradebook read this."""

    assignment: str
    submission: str
    student: str
    content_hash: str
    status: str  # "graded" | "rejected" (intake refused it) | "error" (the graders broke)
    score: float
    max_score: float
    tests: list[TestResult]
    output: str
    execution_time: float
    seed: str
    grader_hash: str
    started_at: str
    finished_at: str
    sandbox: dict[str, Any] = dataclasses.field(default_factory=dict)

    def concept_scores(self) -> dict[str, tuple[float, float]]:
        totals: dict[str, list[float]] = {}
        for test in self.tests:
            entry = totals.setdefault(test.concept, [0.0, 0.0])
            entry[0] += test.score
            entry[1] += test.max_score
        return {k: (v[0], v[1]) for k, v in totals.items()}

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def failure(cls, assignment: Assignment, submission: str, student: str, problem: str,
                grader_hash: str | None = None) -> "GradeResult":
        """An ``error`` result for a submission the framework could not grade, so that a
        broken worker costs that one submission and never the batch. ``grader_hash`` is the
        client's when the failure is reported from a machine that may lack the graders."""
        return cls(
            assignment=assignment.id, submission=submission, student=student, content_hash="", status="error",
            score=0.0, max_score=0.0, tests=[], output=f"Grading failed (not your fault): {problem}",
            execution_time=0.0, seed="", grader_hash=grader_hash or assignment.grader_hash(), started_at="",
            finished_at="",
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradeResult":
        tests = [TestResult(**t) for t in data.get("tests", [])]
        return cls(**{**data, "tests": tests})


def score_verdicts(verdicts: list[Verdict], rubric: Rubric) -> list[TestResult]:
    by_concept: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_concept.setdefault(rubric.concept_for(verdict.name).id, []).append(verdict)
    results = []
    for concept in rubric.concepts:
        members = by_concept.get(concept.id)
        if not members:
            raise SpecError(f"{rubric.path}: concepts.{concept.id}.tests: matches no test")
        total_weight = sum(concept.weight(v.name) for v in members)
        for verdict in members:
            share = concept.points * concept.weight(verdict.name) / total_weight
            output = verdict.message
            if verdict.output.strip():
                output += ("\n\n" if output else "") + "Your code printed:\n" + verdict.output.rstrip()
            results.append(TestResult(
                name=verdict.title,
                test=verdict.nodeid,
                concept=concept.id,
                concept_title=concept.title,
                status="passed" if verdict.passed else "failed",
                score=share if verdict.passed else 0.0,
                max_score=share,
                output=output,
                visibility=concept.visibility,
                duration=round(verdict.duration, 4),
                data=verdict.data,
            ))
    return results
