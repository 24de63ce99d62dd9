"""Many submissions through the pipeline: inline, on a local pool of trusted workers, or
on a Dask cluster (:mod:`autograder.cluster`).

Each result is written to the gradebook (when one is given) the moment it is ready, then
handed to ``on_result``, so a batch that stops half-way keeps everything already graded.
A worker that fails unexpectedly costs its submission an ``error`` result, never the
batch. Student names are computed here, once per submission, and travel with it.
A late penalty is charged here too, in the trusted process, as each result arrives from
wherever it was graded (:mod:`autograder.late`).
"""

from __future__ import annotations

import concurrent.futures as futures
import datetime as dt
import logging
import multiprocessing
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from . import late, logs
from .cluster import grade_on_cluster
from .intake import student_name
from .pipeline import grade, one_compute_thread
from .results import SKIPPED, GradeResult
from .spec import Assignment

if TYPE_CHECKING:
    from distributed import Client

    from .gradebook import Gradebook

log = logging.getLogger(__name__)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _failed(assignment: Assignment, source: Path, student: str, exc: BaseException) -> GradeResult:
    log.error("grading %s failed in the framework: %s: %s", source, type(exc).__name__, exc,
              exc_info=(type(exc), exc, exc.__traceback__))
    return GradeResult.failure(assignment.id, str(source), student, f"{type(exc).__name__}: {exc}",
                               assignment.grader_hash())


def _configure_worker(level: int) -> None:
    """A pool worker logs like the process that started it, and computes on one thread."""
    logs.configure(level, rich=False)
    one_compute_thread()


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
    gradebook: Gradebook | None = None,
    resume: bool = False,
    seeds: Sequence[str | None] | None = None,
    submitted_at: Sequence[dt.datetime | None] | None = None,
    extensions: Mapping[str, dt.datetime] | None = None,
) -> list[GradeResult]:
    """Grade every submission; results come back in the order of ``sources``.

    With ``cluster`` (a scheduler address such as ``tcp://host:8786``, or a
    ``distributed.Client``) the submissions are graded on Dask workers and ``jobs`` is
    unused; ``require_sandbox`` then makes each worker refuse to grade without the full
    sandbox (the CLI checks this machine itself before grading locally). ``warm`` forks
    each student process from a worker that has already imported torch (see
    :mod:`autograder.sandbox.zygote`); ``warm=False`` starts a fresh interpreter instead.

    ``seeds`` gives submissions their secret seeds (None: a fresh one each, the default);
    ``validate`` grades a reference and its mutants on the same inputs this way.

    Results are recorded in ``gradebook`` as they finish. With ``resume``, a submission
    whose content these graders already graded into it is unpacked, found there and not
    graded again: its result has status ``skipped`` and is not recorded.

    ``submitted_at`` gives each submission's time (see :func:`autograder.late.dating`):
    it is recorded, and where the assignment has a late policy the penalty is charged,
    against the student's due date in ``extensions`` where there is one.
    """
    names = [student or student_name(source, assignment)
             for source, student in zip(sources, students or [None] * len(sources))]
    skips: list[frozenset[str]] = [frozenset()] * len(sources)
    if resume and gradebook is not None:
        grader_hash = assignment.grader_hash()
        skips = [gradebook.graded_hashes(assignment.id, name, grader_hash) for name in names]
    seeds = list(seeds) if seeds is not None else [None] * len(sources)
    results: list[GradeResult | None] = [None] * len(sources)
    times = list(submitted_at) if submitted_at is not None else [None] * len(sources)

    def finish(index: int, result: GradeResult) -> None:
        if result.status != SKIPPED:
            late.apply(result, assignment, times[index], (extensions or {}).get(result.student))
        results[index] = result
        if gradebook is not None and result.status != SKIPPED:
            gradebook.record(result)
        on_result(result)

    if cluster is not None:
        for index, result in grade_on_cluster(cluster, assignment, sources, names, skips, public=public,
                                              require_sandbox=require_sandbox, seeds=seeds):
            finish(index, result)
        return results  # type: ignore[return-value]

    if jobs <= 1 or len(sources) <= 1:
        for index, (source, name) in enumerate(zip(sources, names)):
            try:
                result = grade(assignment, source, student=name, public=public, warm=warm, skip_hashes=skips[index],
                               seed=seeds[index])
            except Exception as exc:  # a framework bug must not end the batch
                result = _failed(assignment, source, name, exc)
            finish(index, result)
        return results  # type: ignore[return-value]

    context = multiprocessing.get_context("forkserver")
    with futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_configure_worker,
                                     initargs=(logging.getLogger().getEffectiveLevel(),)) as pool:
        pending = {
            pool.submit(grade, assignment, source, student=name, public=public, warm=warm,
                        skip_hashes=skips[index], seed=seeds[index]): index
            for index, (source, name) in enumerate(zip(sources, names))
        }
        for future in futures.as_completed(pending):
            index = pending[future]
            try:
                result = future.result()
            except Exception as exc:
                result = _failed(assignment, sources[index], names[index], exc)
            finish(index, result)
    return results  # type: ignore[return-value]
