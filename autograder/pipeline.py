"""One submission through the whole pipeline: intake -> sandboxed run -> verdicts -> score.

This is the unit of work that a local pool or a Dask worker runs; it returns a plain
:class:`~autograder.scoring.GradeResult` and never raises for anything a student did.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Collection

from .intake import IntakeError, student_name, unpack
from .runner import GraderError, run_tests
from .sandbox import policy, zygote as warm_workers
from .results import ERROR, GRADED, REJECTED, SKIPPED, GradeResult
from .scoring import score_verdicts
from .spec import Assignment, Rubric, SpecError


log = logging.getLogger(__name__)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def grade(
    assignment: Assignment,
    source: Path,
    *,
    student: str | None = None,
    public: bool = False,
    seed: str | None = None,
    warm: bool = True,
    skip_hashes: Collection[str] = (),
) -> GradeResult:
    """Grade one submission with the hidden graders (or the public tests when ``public``).

    ``warm`` forks the student process from this process's warm worker (torch already
    imported) instead of starting a fresh interpreter; both enter the same sandbox.
    A submission whose content hash is in ``skip_hashes`` (already graded by these
    graders, for ``--resume``) is unpacked but not graded: its result has status
    ``skipped``.
    """
    started, clock = _now(), time.monotonic()
    seed = seed or secrets.token_hex(8)
    result = GradeResult(
        assignment=assignment.id, submission=str(source), student=student or student_name(source, assignment),
        content_hash="", status=GRADED, score=0.0, max_score=0.0, tests=[], output="",
        execution_time=0.0, seed=seed, grader_hash=assignment.grader_hash(), started_at=started, finished_at="",
    )
    sandbox = policy.current()
    result.sandbox = {"layers": sandbox.layers, "warm": False}
    workspace = Path(tempfile.mkdtemp(prefix="autograder-"))
    zygote = None
    try:
        rubric = None if public else assignment.rubric()
        result.max_score = rubric.max_score if rubric else 0.0
        try:
            result.content_hash = unpack(Path(source), assignment, workspace / "work")
        except IntakeError as exc:
            result.status, result.output = REJECTED, f"Your submission could not be graded: {exc}"
            return result
        if result.content_hash in skip_hashes:
            result.status = SKIPPED
            return result
        zygote = _warm_worker(sandbox) if warm else None
        result.sandbox["warm"] = zygote is not None
        if zygote is not None:
            # The warm worker's sandbox sees only its spool folder: the workspace goes there.
            workspace = Path(shutil.move(str(workspace), str(zygote.spool)))
        timeouts = (lambda name: assignment.public_timeout) if rubric is None else rubric.timeout_for
        test_dir = assignment.public_tests if public else assignment.graders
        run = run_tests(test_dir, workspace / "work", limits=assignment.limits, seed=seed, timeout_for=timeouts,
                        sandbox=sandbox, zygote=zygote)
        if rubric is None:
            rubric = Rubric.one_point_per_test([v.name for v in run.verdicts], assignment.public_timeout)
            result.max_score = rubric.max_score
        result.tests = score_verdicts(run.verdicts, rubric)
        result.output = run.problems
        result.score = round(sum(t.score for t in result.tests), 6)
        broken = [t for t in result.tests if t.status == ERROR]
        if broken:
            result.status = ERROR
            result.output = "\n\n".join(part for part in (graders_broke(len(broken), len(result.tests)), run.problems)
                                          if part)
    except (GraderError, SpecError) as exc:
        details = getattr(exc, "details", "")
        log.error("grading %s failed: %s%s", source, exc, f"\n{details}" if details else "", exc_info=True)
        result.status, result.output, result.score = ERROR, f"Grading failed — not your fault; your instructor has been told ({exc}).", 0.0
    finally:
        if zygote is not None:
            _reset(zygote)
        shutil.rmtree(workspace, ignore_errors=True)
        result.execution_time = round(time.monotonic() - clock, 3)
        result.finished_at = _now()
    return result


def graders_broke(broken: int, total: int) -> str:
    """What a student reads above the tests when some checks broke in the graders."""
    return (f"Grading failed — not your fault; your instructor has been told. {broken} of {total} checks broke in "
            "the graders' own code, so this score is not final: the submission will be regraded. "
            "The other checks ran normally and are shown below.")


def _warm_worker(sandbox: policy.Sandbox) -> warm_workers.Zygote | None:
    """This process's warm worker, or None (a fresh process per submission) if it fails."""
    try:
        return warm_workers.shared(sandbox)
    except warm_workers.ZygoteFailed as exc:
        log.warning("no warm worker (%s): a fresh student process per submission instead", str(exc)[:200])
        return None


def _reset(zygote: warm_workers.Zygote) -> None:
    """Nothing of this submission survives into the next one, or the worker goes."""
    try:
        zygote.reset()
    except warm_workers.ZygoteFailed:
        zygote.close()


def one_compute_thread() -> None:
    """Graders' own tensor work (oracles, known mistakes run here) on one thread.

    A grading process works beside its student process and beside other grading
    processes: submissions are the parallelism. torch's default of a thread per core
    makes every small op start (and OpenMP then spin) threads that take the cores the
    student processes are waiting for; measured on 2 cores, validating A6 with 2 jobs
    took 57 s with them and 30 s without."""
    os.environ["OMP_NUM_THREADS"] = "1"  # for a torch imported after this
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
