"""Start, talk to and kill one student process.

The trusted side never blocks without a deadline: every read waits in ``select`` on the
answer pipe and the output pipe together, so a child that prints megabytes while
computing cannot stall, and a child that never answers is killed with its whole process
group when the deadline passes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from .. import channel
from .isolation import command_prefix
from .launch import CHANNEL_SOURCE, die_with_parent, interpreter_argv, scrubbed_environment
from .limits import Limits
from .policy import Sandbox
from .zygote import Zygote, ZygoteFailed, wait_for

class Deadline(Exception):
    """The student process did not answer in time (it has been killed)."""


class ProcessEnded(Exception):
    """The student process closed the channel or exited."""

    def __init__(self, returncode: int | None):
        super().__init__(returncode)
        self.returncode = returncode


class _Exec:
    """A student process started as a fresh interpreter (inside the namespace wrapper)."""

    def __init__(self, proc: subprocess.Popen, wrapped: bool):
        self.proc = proc
        self.wrapped = wrapped

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float) -> int | None:
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        if status is not None and status > 128 and self.wrapped:
            status = 128 - status  # a wrapper reports "killed by signal N" as 128 + N
        return status

    def kill(self) -> int | None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.wait(timeout=5)


class _Forked:
    """A student process forked by a warm worker; only the worker can wait for it."""

    def __init__(self, zygote: Zygote, pid: int, answer_fd: int):
        self.zygote = zygote
        self.pid = pid
        self.answer_fd = answer_fd

    def poll(self) -> int | None:
        """None while the child holds its answer pipe open (asked before every request,
        so it must not cost a round trip to the worker)."""
        watch = select.poll()
        watch.register(self.answer_fd, select.POLLHUP | select.POLLERR)
        if not any(event & (select.POLLHUP | select.POLLERR) for _, event in watch.poll(0)):
            return None
        status = self.wait(timeout=1)
        return -signal.SIGKILL if status is None else status

    def wait(self, timeout: float) -> int | None:
        try:
            return wait_for(self.zygote, self.pid, timeout)
        except ZygoteFailed:
            return -signal.SIGKILL

    def kill(self) -> int | None:
        try:
            return self.zygote.kill(self.pid)
        except ZygoteFailed:  # the worker itself is stuck: the whole sandbox goes
            self.zygote.close()
            return -signal.SIGKILL


class StudentProcess:
    """One sandboxed interpreter serving one submission's workspace."""

    def __init__(self, workdir: Path, limits: Limits, python: str = sys.executable, sandbox: Sandbox | None = None,
                 zygote: Zygote | None = None):
        self.workdir = workdir
        self.sandbox = sandbox or Sandbox()
        self.limits = limits
        self.python = python
        self.zygote = zygote
        self.handle: _Exec | _Forked | None = None
        self.output = bytearray()
        self.output_dropped = 0
        self._read_from = 0
        self._buffer = bytearray()

    # -- life cycle ------------------------------------------------------------
    def start(self) -> None:
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        config = {
            "rlimits": self.limits.rlimits(),
            "workdir": str(self.workdir),
            "fd_in": request_r,
            "fd_out": answer_w,
            **self.sandbox.child_config(),
        }
        try:
            self.handle, self.output_fd = self._fork(config, answer_r) if self.zygote else (None, -1)
            if self.handle is None:
                self.handle, self.output_fd = self._exec(config)
        finally:
            os.close(request_r)
            os.close(answer_w)
        self.request_fd = request_w
        self.answer_fd = answer_r
        for fd in (self.request_fd, self.answer_fd, self.output_fd):
            os.set_blocking(fd, False)

    def _exec(self, config: dict) -> tuple[_Exec, int]:
        proc = subprocess.Popen(
            command_prefix(self.sandbox.namespaces, self.workdir)
            + interpreter_argv(self.python, CHANNEL_SOURCE, json.dumps(config)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(config["fd_in"], config["fd_out"]),
            cwd=self.workdir,
            env=scrubbed_environment(self.workdir),
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        output_fd = os.dup(proc.stdout.fileno())
        proc.stdout.close()
        return _Exec(proc, self.sandbox.namespaces != "none"), output_fd

    def _fork(self, config: dict, answer_fd: int) -> tuple[_Forked | None, int]:
        """A child of the warm worker, or (None, -1) when the worker cannot give one."""
        output_r, output_w = os.pipe()
        try:
            pid = self.zygote.spawn(config, (config["fd_in"], config["fd_out"], output_w))
        except ZygoteFailed:
            os.close(output_r)
            return None, -1
        finally:
            os.close(output_w)
        return _Forked(self.zygote, pid, answer_fd), output_r

    @property
    def alive(self) -> bool:
        return self.handle is not None and self.handle.poll() is None

    def kill(self) -> int | None:
        """Kill the child with every process it started, and reap it; returns its exit status."""
        if self.handle is None:
            return None
        returncode = self.handle.kill()
        self._drain_output()
        for fd in (self.request_fd, self.answer_fd, self.output_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.handle = None
        return returncode

    # -- talking -----------------------------------------------------------------
    def send(self, frame: bytes, deadline: float) -> None:
        view = memoryview(frame)
        while view:
            readable, writable, _ = select.select([self.output_fd], [self.request_fd], [], self._wait(deadline))
            if readable:
                self._drain_output()
            if writable:
                try:
                    view = view[os.write(self.request_fd, view[: 1 << 16]):]
                except BrokenPipeError:
                    raise ProcessEnded(self._exit_status()) from None
            elif not readable:
                raise Deadline()

    def receive(self, deadline: float) -> tuple[dict, bytes]:
        """Wait for one whole frame from the student process."""
        max_bytes = self.limits.frame_mb * 1024 * 1024
        needed = channel.HEADER.size
        header: bytes | None = None
        while True:
            if len(self._buffer) >= needed:
                if header is None:
                    header = bytes(self._buffer[: channel.HEADER.size])
                    needed += channel.frame_size(header, max_bytes)
                    continue
                payload = bytes(self._buffer[channel.HEADER.size: needed])
                del self._buffer[:needed]
                return channel.unpack(header, payload)
            readable, _, _ = select.select([self.answer_fd, self.output_fd], [], [], self._wait(deadline))
            if not readable:
                raise Deadline()
            if self.output_fd in readable:
                self._drain_output()
            if self.answer_fd in readable:
                chunk = self._read(self.answer_fd)
                if chunk == b"":
                    raise ProcessEnded(self._exit_status())
                self._buffer += chunk or b""

    def take_output(self) -> str:
        """Output printed since the last call (within the kept budget)."""
        self._drain_output()
        text = self.output[self._read_from:].decode("utf-8", "replace")
        self._read_from = len(self.output)
        return text

    # -- helpers -------------------------------------------------------------------
    @staticmethod
    def _wait(deadline: float) -> float:
        return max(0.0, deadline - time.monotonic())

    @staticmethod
    def _read(fd: int) -> bytes | None:
        """Bytes read, b"" at end of stream, None if nothing is there after all."""
        try:
            return os.read(fd, 1 << 20)
        except BlockingIOError:
            return None
        except OSError:
            return b""

    def _drain_output(self) -> None:
        if self.handle is None:
            return
        while True:
            try:
                chunk = os.read(self.output_fd, 1 << 16)
            except (BlockingIOError, OSError):
                return
            if not chunk:
                return
            room = self.limits.output_bytes - len(self.output)
            if room > 0:
                self.output += chunk[:room]
            self.output_dropped += max(0, len(chunk) - max(room, 0))

    def _exit_status(self) -> int | None:
        """The child's exit status once it has gone (killing it if it lingers)."""
        status = self.handle.wait(timeout=1)
        return status if status is not None else self.kill()
