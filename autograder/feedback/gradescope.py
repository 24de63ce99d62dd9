"""Gradescope's ``results.json`` schema, plus the ``submission`` field batch scripts key on.

This shape is a stable machine interface (``autograder grade ... --json`` prints one such
object per line): add fields only, never rename or remove them. Added so far:
``submission`` (the path graded), ``status`` (``graded``, ``rejected`` or ``error``: a
rejected or failed submission's 0 is not a graded 0), ``student``, and per failed test
``evidence`` (the call, observed, expected, the rule and the diagnosis as data; ``output``
stays the text made from it), and ``graders_broke: true`` on a test whose check broke in
the graders' own code (Gradescope's status for it is ``failed``; nothing it says is the
student's fault), ``lecture``: the lecture section that teaches the test's concept, and
``language``: the language ``output`` is written in (``--lang``); under a late policy,
``submitted_at``, ``raw_score`` (before the penalty; ``score`` is what counts) and
``late_penalty`` (the share of the maximum taken off). Each test's ``name`` stays
its English title whatever the language (scripts key on it); ``title`` is that title in
the language used.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..i18n import Translator, english
from ..results import GRADED, GradeResult
from .text import output_text, test_text


def to_gradescope(result: GradeResult, tr: Translator | None = None) -> dict[str, Any]:
    tr = tr or english()
    return {
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "execution_time": result.execution_time,
        "output": _output(result, tr),
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
                "output": test_text(test, tr),
                "title": tr.title(test.name),
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
        "language": tr.language,
        **({"submitted_at": result.submitted_at} if result.submitted_at else {}),
        **({"raw_score": round(result.raw, 4), "late_penalty": result.penalty}
           if result.raw_score is not None else {}),
    }


def _output(result: GradeResult, tr: Translator) -> str:
    """Why the submission was not graded; for a graded one, any problem stated once for
    all tests (a module that could not be imported) above the points per concept."""
    if result.status != GRADED:
        return output_text(result.output, tr)
    return "\n\n".join(part for part in (output_text(result.output, tr), _summary(result, tr)) if part)


def _summary(result: GradeResult, tr: Translator) -> str:
    lines = [tr("{score} / {max_score} points").format(score=f"{result.score:g}", max_score=f"{result.max_score:g}")]
    lectures = {test.concept: test.lecture for test in result.tests}
    # A concept whose tests are all withheld is not named: students read this text.
    shown = {test.concept for test in result.tests if test.visibility == "visible"}
    for concept, (got, total) in result.concept_scores().items():
        if concept not in shown:
            continue
        review = (" " + tr("(review: {lecture})").format(lecture=lectures[concept])
                  if lectures.get(concept) and got < total - 1e-9 else "")
        lines.append(f"  {concept}: {got:.4g} / {total:.4g}{review}")
    return "\n".join(lines)
