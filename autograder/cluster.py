"""Grading on a Dask cluster: the same pipeline, run by ``dask.distributed`` workers.

Workers may be on other machines and see none of the client's files but the course, so
the client reads each submission and ships its bytes (a file with its original name, a
folder as an in-memory zip of exactly the files intake would take). A worker unpacks
them into a temporary folder and runs :func:`autograder.pipeline.grade` there; the only
thing that travels back is the :class:`GradeResult` that trusted pipeline built.

The course (``assignments/`` and ``solutions/``) must be at the same path on every
worker, with the same graders: a worker that lacks it or holds different graders
answers with an ``error`` result that says which path or which hashes, and the batch
goes on. So does a task whose worker dies (after Dask's own retries on other workers).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import socket
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from .extras import require
from .intake import MAX_TOTAL_BYTES, IntakeError, folder_files
from .pipeline import grade, one_compute_thread
from .results import REJECTED, GradeResult
from .spec import Assignment, SpecError

if TYPE_CHECKING:
    from distributed import Client, Future

CONNECT_TIMEOUT = "10s"
WORKER_WAIT_SECONDS = 60
MIN_IN_FLIGHT = 16
IN_FLIGHT_PER_THREAD = 2
SCATTER_ABOVE_BYTES = 1 << 20

# One submission per process at a time: pytest sessions share sys.modules and redirect
# sys.stdout, and the process's warm worker holds one submission's files at a time, so
# tasks on a Dask worker started with several threads must take turns.
_ONE_SESSION_AT_A_TIME = threading.Lock()


class ClusterError(Exception):
    """The scheduler cannot be reached or has no workers; nothing was graded."""


@dataclasses.dataclass(frozen=True)
class Parcel:
    """One submission as bytes: a file under its original name, or a folder as a zip."""

    name: str
    is_folder: bool
    data: bytes


def pack(source: Path) -> Parcel:
    """Read a submission on the client, refusing (as intake would) what cannot be sent."""
    source = Path(source)
    if source.is_symlink():
        raise IntakeError(f"{source.name} is a symbolic link; hand in the file itself")
    if source.is_dir():
        return Parcel(source.resolve().name or "submission", True, _zip_folder(source))
    if not source.exists():
        raise IntakeError(f"{source} does not exist")
    if not source.is_file():
        raise IntakeError(f"{source.name} is not a regular file")
    if source.stat().st_size > MAX_TOTAL_BYTES:
        raise IntakeError(f"the submission is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB (at {source.name})")
    return Parcel(source.name, False, source.read_bytes())


def _zip_folder(source: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, path in folder_files(source):
            archive.writestr(relative.as_posix(), path.read_bytes())
    return buffer.getvalue()


def unpack_parcel(parcel: Parcel, into: Path) -> Path:
    """Recreate the submission under ``into`` with its original name; returns its path."""
    target = into / Path(parcel.name).name
    if parcel.is_folder:
        target.mkdir()
        with zipfile.ZipFile(io.BytesIO(parcel.data)) as archive:
            archive.extractall(target)
    else:
        target.write_bytes(parcel.data)
    return target


def grade_parcel(assignment: Assignment, parcel: Parcel, *, submission: str, student: str, public: bool,
                 grader_hash: str, require_sandbox: bool, skip_hashes: frozenset[str] = frozenset(),
                 seed: str | None = None) -> GradeResult:
    """The task a worker runs. It never raises: a problem on the worker is an ``error``
    result naming the worker, so nothing but a GradeResult is sent back."""
    try:
        problem = _worker_problem(assignment, public, grader_hash, require_sandbox)
        if problem:
            return GradeResult.failure(assignment.id, submission, student, f"on {_here()}: {problem}", grader_hash)
        one_compute_thread()
        with _ONE_SESSION_AT_A_TIME, tempfile.TemporaryDirectory(prefix="autograder-parcel-") as tmp:
            result = grade(assignment, unpack_parcel(parcel, Path(tmp)), student=student, public=public,
                           skip_hashes=skip_hashes, seed=seed)
    except Exception as exc:  # a framework bug must cost one submission, not the batch
        return GradeResult.failure(assignment.id, submission, student,
                                   f"on {_here()}: {type(exc).__name__}: {exc}", grader_hash)
    result.submission = submission
    return result


def _worker_problem(assignment: Assignment, public: bool, grader_hash: str, require_sandbox: bool) -> str | None:
    """Why this worker cannot grade like the client would, or None."""
    needed = [assignment.directory]
    if not public and assignment.solution_dir is not None:
        needed.append(assignment.solution_dir)
    for path in needed:
        if not path.is_dir():
            return (f"the course is not visible here: {path} is missing "
                    "(every worker needs the course at the same path as the client)")
    if assignment.grader_hash() != grader_hash:
        return (f"the graders here differ from the client's (grader hash {assignment.grader_hash()} "
                f"instead of {grader_hash}); update the course on this worker")
    if require_sandbox:
        from .sandbox import policy

        missing = policy.current().missing_for_require()
        if missing:
            return f"--require-sandbox is set and this worker lacks {' and '.join(missing)} (run `autograder doctor` there)"
    return None


def _here() -> str:
    """The worker's address and host, for messages an instructor can act on."""
    try:
        from distributed import get_worker

        return f"Dask worker {get_worker().address} ({socket.gethostname()})"
    except (ImportError, ValueError):
        return f"host {socket.gethostname()}"


def grade_on_cluster(
    cluster: str | Client,
    assignment: Assignment,
    sources: Sequence[Path],
    students: Sequence[str],
    skips: Sequence[frozenset[str]],
    *,
    public: bool = False,
    require_sandbox: bool = False,
    seeds: Sequence[str | None] | None = None,
) -> Iterator[tuple[int, GradeResult]]:
    """Yield ``(index, result)`` as workers finish. Submissions are read and sent a few per
    worker thread ahead, so a large cohort never sits in the client's memory at once."""
    from distributed import as_completed

    with _connected(cluster) as client:
        todo = iter(enumerate(zip(sources, students, skips)))
        in_flight: dict[Future, int] = {}
        finished = as_completed(loop=client.loop)
        options = dict(public=public, grader_hash=assignment.grader_hash(), require_sandbox=require_sandbox)

        def top_up() -> Iterator[tuple[int, GradeResult]]:
            window = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))  # workers may join
            while len(in_flight) < window and (item := next(todo, None)) is not None:
                index, (source, student, skip) = item
                try:
                    parcel = pack(source)
                except IntakeError as exc:
                    yield index, _refused(assignment, source, student, public, exc)
                    continue
                shipped: Any = client.scatter(parcel, hash=False) if len(parcel.data) > SCATTER_ABOVE_BYTES else parcel
                future = client.submit(grade_parcel, assignment, shipped, submission=str(source), student=student,
                                       skip_hashes=skip, seed=seeds[index] if seeds else None, pure=False, **options)
                in_flight[future] = index
                finished.add(future)

        yield from top_up()
        for future in finished:
            index = in_flight.pop(future)
            yield index, _collect(future, assignment, sources[index], students[index], options["grader_hash"])
            future.release()
            yield from top_up()


@contextlib.contextmanager
def _connected(cluster: str | Client) -> Iterator[Client]:
    """A client for ``cluster``: the caller's own, or one opened (and closed) here."""
    require("cluster", "grading on a Dask cluster")
    from distributed import Client

    if isinstance(cluster, str):
        try:
            client = Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {cluster}: {exc}") from None
        with client:
            _wait_for_workers(client, cluster)
            yield client
    else:
        _wait_for_workers(cluster, cluster.scheduler.address)
        yield cluster


def _wait_for_workers(client: Client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except (TimeoutError, OSError):
        raise ClusterError(f"the Dask scheduler at {address} has no workers after {WORKER_WAIT_SECONDS} s "
                           f"(start some with `dask worker {address} --nthreads 1`)") from None


def _collect(future: Future, assignment: Assignment, source: Path, student: str, grader_hash: str) -> GradeResult:
    try:
        return future.result()
    except Exception as exc:  # KilledWorker, a lost connection, a cancelled task
        problem = f"the Dask cluster could not run it: {type(exc).__name__}: {exc}"
        return GradeResult.failure(assignment.id, str(source), student, problem, grader_hash)


def _refused(assignment: Assignment, source: Path, student: str, public: bool, exc: IntakeError) -> GradeResult:
    """The pipeline's answer for a submission intake refuses, given without shipping it."""
    try:
        max_score = 0.0 if public else assignment.rubric().max_score
    except SpecError:
        max_score = 0.0
    return GradeResult.failure(assignment.id, str(source), student, str(exc), assignment.grader_hash(),
                               status=REJECTED, max_score=max_score)
