"""Each submission graded by a throwaway fork of the grading process.

A grading process imports torch, the graders and the reference once; grading a
submission then runs in a fork of it that exits afterwards. So nothing a grader keeps
(a module global a test changed, a value a submission returned, a cache filled from
student answers, torch's default dtype, a seeded generator) reaches the next submission:
the next fork starts again from the grading process, which never ran a test. What is
meant to outlive a submission crosses back explicitly, and only that:

- the outcome (the value returned, or the exception raised);
- the log records (so the instructor's log and pytest's ``caplog`` see them as before);
- new :mod:`autograder.toolkit.memo` entries: trusted work keyed by the code the grading
  process read itself and the secret seed (a trained model's translations, a known
  mistake's rate), reused only by a later submission with the same code and seed;
- the names of the installed libraries' modules it imported (``torch.testing`` imports
  ``torch.distributed.tensor`` at its first comparison: 0.8 s), which the grading process
  then imports itself, so the next fork starts with them.

Forking is only done on Linux, where it is measured safe with torch imported (the grading
process computes on one thread: :func:`autograder.pipeline.one_compute_thread`); elsewhere
(macOS forks badly with system frameworks loaded) the work runs in this process.

Pickle carries the outcome because both ends are this trusted process and its own copy:
no student code runs in either (student code only ever runs in the sandboxed student
process, which speaks the data-only channel).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import pickle
import select
import signal
import sys
import sysconfig
import time
import traceback
from typing import Any, Callable, TypeVar

from .toolkit import memo

T = TypeVar("T")

ENABLED = sys.platform.startswith("linux") and hasattr(os, "fork") and not os.environ.get("AUTOGRADER_NO_FORK")
"""Whether :func:`call` forks here. ``AUTOGRADER_NO_FORK=1`` grades in this process (to
profile a grader where it is run; then state may pass from one submission to the next)."""


log = logging.getLogger(__name__)

_WARNED: set[str] = set()
"""Kinds of memo entries already said not to pickle (said once per process)."""


class ForkLost(Exception):
    """The fork ended without an outcome (killed, or it crashed in C code)."""


def call(work: Callable[[], T], *, timeout: float | None = None) -> T:
    """``work()`` in a fork of this process: its value, or its exception raised here.
    A fork still running after ``timeout`` seconds is killed (:class:`ForkLost`)."""
    if not ENABLED:
        return work()
    before = memo.keys(), set(sys.modules)
    parent = os.getpid()
    reader, writer = os.pipe()
    # The fork's garbage collector leaves what the parent holds alone: walking it would
    # copy every page of it (copy-on-write), ~40 ms a collection with torch imported.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        raise
    finally:
        if os.getpid() == parent:
            gc.unfreeze()
            os.close(writer)
    if pid == 0:  # pragma: no cover - the fork's coverage is not collected
        os.close(reader)
        _serve(work, before, writer)
    try:
        data = _read_all(reader, None if timeout is None else time.monotonic() + timeout)
        # With an outcome in hand, the fork's exit (unmapping its copy of this process,
        # ~20 ms) need not be waited for: it is reaped later.
        status = os.waitpid(pid, 0)[1] if not data else _reap(pid)
    except TimeoutError:
        _kill(pid)
        raise ForkLost(f"the grading fork was still running after {timeout:.0f} s (killed)") from None
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(reader)
    if not data:
        raise ForkLost(f"the grading fork ended without an outcome ({_describe(status)})")
    try:
        outcome = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - e.g. an exception class this process cannot import
        raise ForkLost(f"the grading fork's outcome could not be read here ({type(exc).__name__}: {exc})") from None
    for key, value in outcome["memo"]:
        memo.remember(key, value)
    for kind in outcome["unsent"]:
        if kind not in _WARNED:
            _WARNED.add(kind)
            log.warning("toolkit.memo entries under %s could not be sent back from the grading fork (they do not "
                        "pickle): they are computed again for every submission", kind)
    for name in outcome["imported"]:
        if name not in sys.modules:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    for record in outcome["records"]:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
    if outcome["raised"] is not None:
        raise outcome["raised"]
    return outcome["value"]


def _read_all(fd: int, deadline: float | None) -> bytes:
    chunks = []
    waiting = select.poll()  # not select.select: a long-lived process may hold fds above 1024
    waiting.register(fd, select.POLLIN | select.POLLHUP)
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0 or not waiting.poll(None if left is None else left * 1000):
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _serve(work: Callable[[], Any], before: tuple[set, set], writer: int) -> None:  # pragma: no cover
    """In the fork: run ``work`` on one compute thread, send what crosses back, leave
    without cleaning up (``os._exit``: the grading process's atexit handlers and
    finalizers, such as its warm worker's, are not this copy's to run)."""
    code = 0
    try:
        torch = sys.modules.get("torch")
        if torch is not None:  # OpenMP threads a parent started do not exist here: never wait on them
            torch.set_num_threads(1)
        records: list[logging.LogRecord] = []
        _capture_logs(records)
        value, raised = None, None
        try:
            value = work()
        except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the parent
            raised = exc
        sent, unsent = [], set()
        for entry in memo.added_since(before[0]):
            if _picklable(entry):
                sent.append(entry)
            else:
                key = entry[0]
                unsent.add(repr(key[0] if isinstance(key, tuple) and key else key)[:80])
        outcome = {"value": value, "raised": _portable(raised), "records": [_portable_record(r) for r in records],
                   "memo": sent, "unsent": sorted(unsent), "imported": _libraries_imported(before[1])}
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001
            outcome.update(value=None, raised=RuntimeError(f"the grading outcome could not be sent back: {exc!r}"))
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    except BaseException:  # noqa: BLE001
        code = 70
    finally:
        os._exit(code)


_LIBRARIES = tuple({os.path.join(sysconfig.get_paths()[kind], "") for kind in ("stdlib", "platstdlib", "purelib",
                                                                            "platlib")}
                   | {os.path.join(os.path.dirname(os.path.abspath(__file__)), "")})


def _libraries_imported(before: set[str]) -> list[str]:
    """Modules imported since ``before`` from the standard library, installed packages or
    this framework (never the course's graders or reference, nor anything made at run time)."""
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name not in before and isinstance(path, str) and path.startswith(_LIBRARIES):
            found.append(name)
    return found


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]):
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _capture_logs(records: list[logging.LogRecord]) -> None:
    """Every record reaching the root logger is kept to be handled again in the parent,
    by the parent's handlers (none of them writes from here: no line is written twice)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_Collect(records))


def _portable_record(record: logging.LogRecord) -> logging.LogRecord:
    """A copy that pickles: the message already formatted, the traceback as text (a
    formatter prints ``exc_text``; ``exc_info`` keeps the exception's type so filters that
    ask whether there was one still can)."""
    record = logging.makeLogRecord(record.__dict__)
    record.msg, record.args = record.getMessage(), None
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        kind = record.exc_info[0]
        record.exc_info = (kind if _picklable(kind) else Exception, None, None)
    if not _picklable(record):
        plain = {key: value for key, value in record.__dict__.items() if _picklable(value)}
        record = logging.makeLogRecord(plain)
    return record


def _portable(exc: BaseException | None) -> BaseException | None:
    """The exception itself when it pickles and unpickles to the same kind, else a
    RuntimeError that says what it was, with its traceback as text."""
    if exc is None:
        return None
    try:
        if type(pickle.loads(pickle.dumps(exc))) is type(exc):
            return exc
    except Exception:  # noqa: BLE001
        pass
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return RuntimeError(f"{type(exc).__name__}: {exc}\n{text}")


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001
        return False
    return True


_UNREAPED: set[int] = set()


def _reap(pid: int) -> int:
    """Reap ``pid`` if it has ended, and earlier forks that have; 0."""
    _UNREAPED.add(pid)
    for fork in list(_UNREAPED):
        try:
            if os.waitpid(fork, os.WNOHANG)[0]:
                _UNREAPED.discard(fork)
        except ChildProcessError:
            _UNREAPED.discard(fork)
    return 0


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
