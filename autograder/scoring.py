"""Verdicts x rubric -> points. Verdicts are the statistics; the rubric is the formula.

A concept's points are shared equally by the tests it matches, so a submission that gets
half of a concept's cases right earns half of its points. Changing the rubric re-scores
stored verdicts without running anything again.
"""

from __future__ import annotations

import fnmatch

from .results import PRINTED, TestResult, Verdict
from .spec import Rubric, SpecError


def score_verdicts(verdicts: list[Verdict], rubric: Rubric) -> list[TestResult]:
    """Points per test: its share of its concept's points, paid when it passed and every
    test it ``requires`` passed too."""
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
            unmet = _unmet(concept.rule(verdict.name).requires, verdict, verdicts, rubric, concept.id)
            pays = verdict.passed and not unmet
            output = verdict.message
            if verdict.passed and unmet:
                output = ("This check passes, but it pays only when " + "; ".join(f"'{t}'" for t in dict.fromkeys(unmet))
                          + " passes too: the function must first get the ordinary case right.")
            if verdict.output.strip():
                output += ("\n\n" if output else "") + PRINTED + verdict.output.rstrip()
            results.append(TestResult(
                name=verdict.title,
                test=verdict.nodeid,
                concept=concept.id,
                concept_title=concept.title,
                status="passed" if pays else "error" if verdict.grader_error else "failed",
                score=share if pays else 0.0,
                max_score=share,
                output=output,
                visibility=concept.visibility_for(verdict.name),
                duration=round(verdict.duration, 4),
                data=verdict.data,
                evidence=verdict.evidence,
                lecture=concept.lecture,
                grader_error=verdict.grader_error,
            ))
    _say_where_trusted_versions_stood_in(results, verdicts, rubric)
    return results


def _unmet(patterns: tuple[str, ...], verdict: Verdict, verdicts: list[Verdict], rubric: Rubric,
           concept: str) -> list[str]:
    """Titles of the required tests that did not pass."""
    unmet = []
    for pattern in patterns:
        required = [v for v in verdicts if fnmatch.fnmatchcase(v.name, pattern) and v is not verdict]
        if not required and not fnmatch.fnmatchcase(verdict.name, pattern):
            raise SpecError(f"{rubric.path}: concepts.{concept}: requires {pattern!r}, which matches no test")
        # A withheld check is not named: its title would show what it tests.
        unmet += [v.title if rubric.concept_for(v.name).visibility_for(v.name) == "visible" else "a hidden check"
                  for v in required if not v.passed]
    return unmet


def _say_where_trusted_versions_stood_in(results: list[TestResult], verdicts: list[Verdict], rubric: Rubric) -> None:
    """A failed test whose student code called correct stand-ins says so once, and says
    which of the student's own versions lose points in their concepts (so a student
    knows where to look)."""
    lost = {r.concept for r in results if r.score < r.max_score - 1e-9}
    owner = {function: concept for concept in rubric.concepts for function in concept.functions}
    for result, verdict in zip(_in_order(results, verdicts), verdicts):
        if result is None or result.status == "passed" or not verdict.trusted:
            continue
        names = _and(verdict.trusted)
        notes = [f"This check ran with a correct {names} in place of yours." if len(verdict.trusted) == 1
                 else f"This check ran with correct versions of {names} in place of yours."]
        notes += [f"Your {f} loses points in '{owner[f].title}'." for f in verdict.trusted
                  if f in owner and owner[f].id in lost]
        result.output = _before_printed(result.output, "\n".join(notes))
        if result.evidence is not None:
            result.evidence.notes.extend(notes)


def _before_printed(output: str, text: str) -> str:
    """``output`` with ``text`` added on a line of its own before what the student's code
    printed (which stays last, so a renderer can tell the two apart)."""
    head, marker, printed = output.partition("\n\n" + PRINTED)
    return head + "\n" + text + marker + printed if head else text + marker + printed


def _and(names: list[str]) -> str:
    return ", ".join(names)  # code names, no English "and": the note is translated around them


def _in_order(results: list[TestResult], verdicts: list[Verdict]) -> list[TestResult | None]:
    by_node = {r.test: r for r in results}
    return [by_node.get(v.nodeid) for v in verdicts]
