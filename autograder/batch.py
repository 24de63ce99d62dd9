"""Many submissions through the pipeline: inline, or on a local pool of trusted workers.

Results are handed to ``on_result`` as each one finishes (the CLI writes it to the
gradebook at once), so a batch that stops half-way keeps everything already graded. A
worker that fails unexpectedly costs its submission an ``error`` result, never the batch.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
from pathlib import Path
from typing import Callable, Sequence

from .intake import student_name
from .pipeline import grade
from .scoring import GradeResult
from .spec import Assignment


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _failed(assignment: Assignment, source: Path, student: str | None, exc: BaseException) -> GradeResult:
    return GradeResult(
        assignment=assignment.id, submission=str(source), student=student or student_name(source, assignment),
        content_hash="", status="error", score=0.0, max_score=0.0, tests=[],
        output=f"Grading failed (not your fault): {type(exc).__name__}: {exc}", execution_time=0.0, seed="",
        grader_hash=assignment.grader_hash(), started_at="", finished_at="",
    )


def grade_many(
    assignment: Assignment,
    sources: Sequence[Path],
    *,
    jobs: int = 1,
    public: bool = False,
    students: Sequence[str | None] | None = None,
    on_result: Callable[[GradeResult], None] = lambda result: None,
) -> list[GradeResult]:
    """Grade every submission; results come back in the order of ``sources``."""
    students = list(students) if students is not None else [None] * len(sources)
    results: list[GradeResult | None] = [None] * len(sources)

    def finish(index: int, result: GradeResult) -> None:
        results[index] = result
        on_result(result)

    if jobs <= 1 or len(sources) <= 1:
        for index, (source, student) in enumerate(zip(sources, students)):
            try:
                result = grade(assignment, source, student=student, public=public)
            except Exception as exc:  # a framework bug must not end the batch
                result = _failed(assignment, source, student, exc)
            finish(index, result)
        return results  # type: ignore[return-value]

    context = multiprocessing.get_context("forkserver")
    with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending = {
            pool.submit(grade, assignment, source, student=student, public=public): index
            for index, (source, student) in enumerate(zip(sources, students))
        }
        for future in futures.as_completed(pending):
            index = pending[future]
            try:
                result = future.result()
            except Exception as exc:
                result = _failed(assignment, sources[index], students[index], exc)
            finish(index, result)
    return results  # type: ignore[return-value]
