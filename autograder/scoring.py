"""Verdicts x rubric -> points. Verdicts are the statistics; the rubric is the formula.

A concept's points are shared equally by the tests it matches, so a submission that gets
half of a concept's cases right earns half of its points. Changing the rubric re-scores
stored verdicts without running anything again.
"""

from __future__ import annotations

from .results import TestResult, Verdict
from .spec import Rubric, SpecError


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
