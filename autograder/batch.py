"""Many submissions through the pipeline: inline, on a local pool of trusted workers, or
on a Dask cluster (:mod:`autograder.cluster`).

Results are handed to ``on_result`` as each one finishes (the CLI writes it to the
gradebook at once), so a batch that stops half-way keeps everything already graded. A
worker that fails unexpectedly costs its submission an ``error`` result, never the batch.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .cluster import grade_on_cluster
from .intake import student_name
from .pipeline import grade
from .scoring import GradeResult
from .spec import Assignment

if TYPE_CHECKING:
    from distributed import Client


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _failed(assignment: Assignment, source: Path, student: str | None, exc: BaseException) -> GradeResult:
    return GradeResult.failure(assignment, str(source), student or student_name(source, assignment),
                               f"{type(exc).__name__}: {exc}")


def grade_many(
    assignment: Assignment,
    sources: Sequence[Path],
    *,
    jobs: int = 1,
    public: bool = False,
    students: Sequence[str | None] | None = None,
    on_result: Callable[[GradeResult], None] = lambda result: None,
    cluster: str | Client | None = None,
    require_sandbox: bool = False,
    warm: bool = True,
) -> list[GradeResult]:
    """Grade every submission; results come back in the order of ``sources``.

    With ``cluster`` (a scheduler address such as ``tcp://host:8786``, or a
    ``distributed.Client``) the submissions are graded on Dask workers and ``jobs`` is
    unused; ``require_sandbox`` then makes each worker refuse to grade without the full
    sandbox (the CLI checks this machine itself before grading locally). ``warm`` forks
    each student process from a worker that has already imported torch (see
    :mod:`autograder.sandbox.zygote`); ``warm=False`` starts a fresh interpreter instead.
    """
    students = list(students) if students is not None else [None] * len(sources)
    results: list[GradeResult | None] = [None] * len(sources)

    def finish(index: int, result: GradeResult) -> None:
        results[index] = result
        on_result(result)

    if cluster is not None:
        names = [student or student_name(source, assignment) for source, student in zip(sources, students)]
        for index, result in grade_on_cluster(cluster, assignment, sources, names, public=public,
                                              require_sandbox=require_sandbox):
            finish(index, result)
        return results  # type: ignore[return-value]

    if jobs <= 1 or len(sources) <= 1:
        for index, (source, student) in enumerate(zip(sources, students)):
            try:
                result = grade(assignment, source, student=student, public=public, warm=warm)
            except Exception as exc:  # a framework bug must not end the batch
                result = _failed(assignment, source, student, exc)
            finish(index, result)
        return results  # type: ignore[return-value]

    context = multiprocessing.get_context("forkserver")
    with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending = {
            pool.submit(grade, assignment, source, student=student, public=public, warm=warm): index
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
