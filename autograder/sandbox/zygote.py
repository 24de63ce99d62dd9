"""Warm workers: one sandboxed process that has imported torch forks a child per student.

Starting an interpreter and importing torch costs ~1.5 s; forking a process that has
already done it costs milliseconds. The warm worker (the "zygote") is started exactly
like a student process — same namespace wrapper, same scrubbed environment — but around a
spool folder instead of one workspace, and it runs no student code itself. Each child it
forks confines itself (rlimits, seccomp) before touching the workspace it is given, exactly
as a freshly exec'd student process does (``child.serve_workspace``), and serves one
submission only. Between two submissions :meth:`Zygote.reset` kills whatever the last one
left running in the sandbox's pid namespace and empties its private ``/tmp``; the pipeline
removes the workspace. Only one submission's files are ever in the spool.

Measured constraint: forking after the parent ran a multi-threaded torch op deadlocks
children, so the zygote only imports; children call ``torch.set_num_threads(1)`` first,
and deadlines are enforced from the trusted side by killing (through the zygote, or the
whole sandbox when the zygote itself does not answer).
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..channel import Control
from .isolation import command_prefix
from .launch import CHANNEL_SOURCE, die_with_parent, interpreter_argv, scrubbed_environment
from .policy import Sandbox

log = logging.getLogger(__name__)

PRELOAD = ("torch", "numpy")
START_TIMEOUT = 120.0
ANSWER_TIMEOUT = 10.0
MAX_FAILED_STARTS = 2


class ZygoteFailed(Exception):
    """The warm worker died or stopped answering (it has been killed; start a new one)."""


class Zygote:
    """The trusted side's handle on one warm worker."""

    def __init__(self, sandbox: Sandbox, python: str = sys.executable, preload: tuple[str, ...] = PRELOAD):
        self.sandbox = sandbox
        self.python = python
        self.preload = preload
        self.spool = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
        self.proc: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.log = self.spool.parent / f"{self.spool.name}.log"
        self.failed_starts = 0
        self.owner = os.getpid()
        """The process that started it: the only one that can wait for it."""
        self.failed = False
        """Whether it ever failed: then its log is kept for the instructor (see :meth:`discard`)."""

    # -- life cycle ----------------------------------------------------------------
    def start(self) -> None:
        if self.failed_starts >= MAX_FAILED_STARTS:
            raise ZygoteFailed(f"the warm worker failed to start {self.failed_starts} times")
        try:
            self._start()
        except (ZygoteFailed, OSError) as exc:
            self.failed_starts += 1
            self.failed = True
            self.close()
            log.warning("the warm worker failed to start: %s (its log: %s)", str(exc)[:200], self.log)
            raise ZygoteFailed(str(exc)) from None

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        own_pid_namespace = self.sandbox.namespaces != "none"
        config = {
            "control_fd": theirs.fileno(),
            "preload": list(self.preload),
            "own_pid_namespace": own_pid_namespace,
            "outer_pid_namespace": os.readlink("/proc/self/ns/pid"),
            "wipe": ["/tmp", "/dev/shm", "/dev"] if self.sandbox.namespaces == "bwrap" else [],
            "spool": str(self.spool),
        }
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                command_prefix(self.sandbox.namespaces, self.spool)
                + interpreter_argv(self.python, "--zygote", CHANNEL_SOURCE, json.dumps(config)),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, pass_fds=(theirs.fileno(),),
                cwd=self.spool, env=scrubbed_environment(self.spool), start_new_session=True,
                preexec_fn=die_with_parent,
            )
        theirs.close()
        self.control = ours
        self.owner = os.getpid()
        self._answer(START_TIMEOUT)

    @property
    def running(self) -> bool:
        if self.proc is None:
            return False
        if os.getpid() != self.owner:  # a grading fork (autograder.forked) cannot wait for its parent's child
            return _alive(self.proc.pid)
        return self.proc.poll() is None

    def close(self) -> None:
        """Kill the warm worker and everything in its sandbox."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        if self.control is not None:
            self.control.close()
            self.control = None

    def discard(self) -> None:
        """Close it and remove its files; the log stays if it ever failed."""
        self.close()
        shutil.rmtree(self.spool, ignore_errors=True)
        if not self.failed:
            self.log.unlink(missing_ok=True)

    # -- requests ----------------------------------------------------------------------
    def spawn(self, config: dict, fds: tuple[int, int, int]) -> int:
        """Fork a confined child serving ``config['workdir']`` on the given pipe ends."""
        if not self.running:
            self.close()
            self.start()
        return int(self._request({"op": Control.SPAWN, "config": config}, fds)["pid"])

    def poll(self, pid: int) -> int | None:
        return self._request({"op": Control.POLL, "pid": pid}).get("status")

    def kill(self, pid: int) -> int | None:
        return self._request({"op": Control.KILL, "pid": pid}).get("status")

    def reset(self) -> None:
        """Between submissions: no process, no file in the sandbox's /tmp and /dev, and an
        empty spool (the one folder of the host the sandbox can write)."""
        if self.running:
            self._request({"op": Control.RESET})
        for entry in self.spool.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def _request(self, message: dict, fds: tuple[int, ...] = ()) -> dict:
        if self.control is None:
            raise ZygoteFailed("the warm worker is not running")
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            self.close()
            self.failed = True
            log.warning("the warm worker is gone (%s); its log is kept at %s", exc, self.log)
            raise ZygoteFailed(f"the warm worker is gone ({exc})") from None
        answer = self._answer(ANSWER_TIMEOUT)
        if "error" in answer:
            raise ZygoteFailed(answer["error"])
        return answer

    def _answer(self, timeout: float) -> dict:
        assert self.control is not None
        self.control.settimeout(timeout)
        try:
            data = self.control.recv(1 << 16)
        except (OSError, socket.timeout):
            data = b""
        if not data:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            self.close()
            self.failed = True
            log.warning("the warm worker %s did not answer; its log is kept at %s", self.spool.name, self.log)
            raise ZygoteFailed(f"the warm worker did not answer{': ' + tail if tail else ''}")
        return json.loads(data)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is running (not gone, not a zombie), asked without waiting for it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


_SHARED: dict[tuple, Zygote] = {}


def shared(sandbox: Sandbox, python: str = sys.executable) -> Zygote:
    """This process's warm worker for ``sandbox`` (started on first use, closed at exit)."""
    key = (sandbox, python)
    if key not in _SHARED:
        zygote = Zygote(sandbox, python)
        _SHARED[key] = zygote
        # Pool workers leave through os._exit, which skips atexit but not these.
        multiprocessing.util.Finalize(zygote, zygote.discard, exitpriority=10)
        zygote.start()
    return _SHARED[key]


@atexit.register
def _close_all() -> None:
    for zygote in _SHARED.values():
        zygote.discard()
    _SHARED.clear()


def wait_for(zygote: Zygote, pid: int, timeout: float) -> int | None:
    """Exit status of a child that is ending, or None if it is still there after ``timeout``."""
    end = time.monotonic() + timeout
    while True:
        status = zygote.poll(pid)
        if status is not None or time.monotonic() >= end:
            return status
        time.sleep(0.01)
