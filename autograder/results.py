"""The records that describe a result: a test's verdict, its points, a whole attempt.

These sit at the bottom of the house: plain dataclasses that import neither pytest nor
the sandbox, so that reading a gradebook, rendering feedback or exporting grades needs
nothing but this module. The grading side (:mod:`autograder.testing`) produces
:class:`Verdict` objects, :mod:`autograder.scoring` turns them into :class:`TestResult`
objects, and :class:`GradeResult` is what the gradebook stores and the renderers read.
"""

from __future__ import annotations

import dataclasses
from typing import Any

GRADED = "graded"
"""The graders ran; the score is what the submission earned (possibly 0)."""
REJECTED = "rejected"
"""Intake refused the submission (a broken zip, no module, an unsafe archive); score 0."""
ERROR = "error"
"""The framework or the graders failed; the student is not to blame and should be regraded."""
STATUSES = (GRADED, REJECTED, ERROR)
PRINTED = "Your code printed:\n"
"""The heading under which a test's output ends with what the student's code printed."""
SKIPPED = "skipped"
"""Not a stored status: ``--resume`` found this content already graded by these graders."""


@dataclasses.dataclass
class Diagnosis:
    """A known mistake whose answer matches the student's on the failing input."""

    mistake: str
    """The mistake's name (its file in ``solutions/<id>/mutants/``)."""
    description: str
    """What the mistake is, in a line."""
    hint: str
    """What to look at, written for the student who made it."""


@dataclasses.dataclass
class Evidence:
    """What a failed check found, as data: renderers turn it into words (in any language,
    as text or HTML), so no renderer parses a message and no grader formats for one."""

    rule: str
    """The rule the answer breaks, stated as what correct code does."""
    call: str = ""
    """The call, as the student would type it."""
    observed: str = ""
    """What came back, described briefly."""
    expected: str = ""
    """What a correct implementation returns."""
    diagnosis: Diagnosis | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    """Anything else the grader says (which case failed first, how it was chosen)."""
    trusted: list[str] = dataclasses.field(default_factory=list)
    """Student functions replaced by correct ones for this check (so a mistake there is
    not charged here again)."""
    says: str = "returned"
    """The verb between the call and what was observed ("returned", or for a check of
    behaviour, say, "called step with")."""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Evidence | None":
        if not data:
            return None
        diagnosis = Diagnosis(**data["diagnosis"]) if data.get("diagnosis") else None
        return cls(**{**data, "diagnosis": diagnosis})


@dataclasses.dataclass
class Verdict:
    """The outcome of one test: the sufficient statistic the rubric turns into points."""

    nodeid: str
    name: str
    title: str
    passed: bool
    message: str = ""
    output: str = ""
    duration: float = 0.0
    data: dict = dataclasses.field(default_factory=dict)
    evidence: Evidence | None = None
    trusted: list[str] = dataclasses.field(default_factory=list)
    """Student functions replaced by correct ones somewhere in this test."""
    grader_error: str = ""
    """Set when the test broke in the graders' own code: the exception and where, for the
    instructor only (the student reads that it was not their fault)."""


@dataclasses.dataclass
class TestResult:
    """One test of an attempt, scored by the rubric."""

    __test__ = False  # not a pytest test class

    name: str
    test: str
    concept: str
    concept_title: str
    status: str  # "passed" | "failed" | "error" (the graders broke: regrade)
    score: float
    max_score: float
    output: str
    visibility: str
    duration: float
    data: dict = dataclasses.field(default_factory=dict)
    evidence: Evidence | None = None
    lecture: str = ""
    """The lecture section that teaches the test's concept ("6강 BLEU score [19:30]")."""
    grader_error: str = ""
    """Why the graders broke (status ``error``): for the instructor, never rendered for a
    student nor stored with the student's feedback."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TestResult":
        return cls(**{**data, "evidence": Evidence.from_dict(data.get("evidence"))})


@dataclasses.dataclass
class GradeResult:
    """Everything known about one graded attempt; renderers and the gradebook read this."""

    assignment: str
    submission: str
    student: str
    content_hash: str
    status: str  # one of STATUSES
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
    submitted_at: str = ""
    """When the student handed it in (ISO, with its offset); empty where unknown."""
    raw_score: float | None = None
    """What the tests earned before a late penalty (``score`` is what counts); None where
    no late policy was applied, and then it is ``score``."""
    penalty: float = 0.0
    """The share of ``max_score`` the late policy took off (1.0 after a hard deadline)."""
    penalty_reason: str = ""
    """The sentence saying what lateness cost (also the first paragraph of ``output``);
    empty when nothing was charged."""

    @property
    def raw(self) -> float:
        """The score before any late penalty."""
        return self.score if self.raw_score is None else self.raw_score

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
    def failure(cls, assignment: str, submission: str, student: str, problem: str, grader_hash: str,
                *, status: str = ERROR, max_score: float = 0.0) -> "GradeResult":
        """A result for a submission that was not graded: an ``error`` (the framework
        could not grade it, so a broken worker costs one submission and never the batch)
        or a ``rejected`` one (intake refused it; ``problem`` is shown to the student)."""
        output = (f"Grading failed — not your fault; your instructor has been told ({problem})." if status == ERROR
                  else f"Your submission could not be graded: {problem}")
        return cls(
            assignment=assignment, submission=submission, student=student, content_hash="", status=status,
            score=0.0, max_score=max_score, tests=[], output=output, execution_time=0.0, seed="",
            grader_hash=grader_hash, started_at="", finished_at="",
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradeResult":
        tests = [TestResult.from_dict(t) for t in data.get("tests", [])]
        return cls(**{**data, "tests": tests})
