"""Gradescope's ``results.json`` schema, plus the ``submission`` field batch scripts key on.

This shape is a stable machine interface (``autograder grade ... --json`` prints one such
object per line): add fields only, never rename or remove them. Added so far:
``submission`` (the path graded), ``status`` (``graded``, ``rejected`` or ``error``: a
rejected or failed submission's 0 is not a graded 0), ``student``, and per failed test
``evidence`` (the call, observed, expected, the rule and the diagnosis as data; ``output``
stays the text made from it), and ``graders_broke: true`` on a test whose check broke in
the graders' own code (Gradescope's status for it is ``failed``; nothing it says is the
student's fault), and ``lecture``: the lecture section that teaches the test's concept.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..results import GRADED, GradeResult


def to_gradescope(result: GradeResult) -> dict[str, Any]:
    return {
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "execution_time": result.execution_time,
        "output": _output(result),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": test.name,
                "score": round(test.score, 4),
                "max_score": round(test.max_score, 4),
                # Gradescope knows passed and failed; a check that broke in the graders is
                # failed there and flagged here (the attempt's status is then "error").
                "status": "failed" if test.status == "error" else test.status,
                **({"graders_broke": True} if test.status == "error" else {}),
                **({"lecture": test.lecture} if test.lecture else {}),
                "output": test.output,
                "visibility": test.visibility,
                "tags": [test.concept],
                **({"extra_data": test.data} if test.data else {}),
                **({"evidence": dataclasses.asdict(test.evidence)} if test.evidence else {}),
            }
            for test in result.tests
        ],
        "submission": result.submission,
        "status": result.status,
        "student": result.student,
    }


def _output(result: GradeResult) -> str:
    """Why the submission was not graded; for a graded one, any problem stated once for
    all tests (a module that could not be imported) above the points per concept."""
    if result.status != GRADED:
        return result.output
    return "\n\n".join(part for part in (result.output, _summary(result)) if part)


def _summary(result: GradeResult) -> str:
    lines = [f"{result.score:g} / {result.max_score:g} points"]
    lectures = {test.concept: test.lecture for test in result.tests}
    for concept, (got, total) in result.concept_scores().items():
        review = f" (review: {lectures[concept]})" if lectures.get(concept) and got < total - 1e-9 else ""
        lines.append(f"  {concept}: {got:.4g} / {total:.4g}{review}")
    return "\n".join(lines)
