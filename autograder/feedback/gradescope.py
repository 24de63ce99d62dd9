"""Gradescope's ``results.json`` schema, plus the ``submission`` field batch scripts key on.

This shape is a stable machine interface (``autograder grade ... --json`` prints one such
object per line): add fields only, never rename or remove them.
"""

from __future__ import annotations

from typing import Any

from ..scoring import GradeResult


def to_gradescope(result: GradeResult) -> dict[str, Any]:
    return {
        "score": round(result.score, 4),
        "max_score": round(result.max_score, 4),
        "execution_time": result.execution_time,
        "output": result.output or _summary(result),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": test.name,
                "score": round(test.score, 4),
                "max_score": round(test.max_score, 4),
                "status": test.status,
                "output": test.output,
                "visibility": test.visibility,
                "tags": [test.concept],
                **({"extra_data": test.data} if test.data else {}),
            }
            for test in result.tests
        ],
        "submission": result.submission,
    }


def _summary(result: GradeResult) -> str:
    lines = [f"{result.score:g} / {result.max_score:g} points"]
    for concept, (got, total) in result.concept_scores().items():
        lines.append(f"  {concept}: {got:.4g} / {total:.4g}")
    return "\n".join(lines)
