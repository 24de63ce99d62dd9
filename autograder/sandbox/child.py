"""Entry point of the student process: the only code in the framework that imports student code.

It runs as ``python -I -c <this file's source> <channel.py's source> CONFIG``: the student
process needs no framework file on disk and nothing on its path but the submission and
the interpreter's libraries. Before any student code is imported it confines itself
(resource limits, a process-count limit, a seccomp filter: see ``policy.py``): that works
the same for a freshly exec'd interpreter and for a child forked from a warm worker.

It then serves requests from the trusted side (import a module, get an attribute, call a
function or a method) and answers with data, or with a handle for objects that are not
data. While student code runs, a grader-supplied callback is a stub that sends a
``callback`` frame and serves nested requests until the answer comes back.

Everything this process says is a claim: the trusted side decides what it is worth.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import resource
import sys
import time
import traceback
import types
from typing import Any

MAX_MESSAGE = 2000


def apply_limits(rlimits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in rlimits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


CLONE_THREAD = 0x00010000
DENIED_OUTRIGHT = (
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root", "chroot",
    "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "kexec_load", "init_module",
    "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl",
    "open_by_handle_at", "name_to_handle_at", "tkill",
)


def apply_seccomp() -> None:
    """No new processes (threads are fine), no exec, no sockets, no signals to others.

    ``clone3`` answers ENOSYS so that the C library falls back to ``clone``, whose flags
    the filter can read: a thread (CLONE_THREAD) is allowed, a process is not.
    """
    import errno

    import pyseccomp as seccomp

    denied, refused = seccomp.ERRNO(errno.EPERM), seccomp.ERRNO(errno.EACCES)
    me = os.getpid()
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in ("fork", "vfork"):
        rules.add_rule(denied, name)
    rules.add_rule(denied, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for name in ("execve", "execveat", "socket", "socketpair"):
        rules.add_rule(refused, name)
    for name in DENIED_OUTRIGHT:
        try:
            rules.add_rule(denied, name)
        except Exception:  # a system call this architecture does not have
            pass
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.add_rule(denied, name, seccomp.Arg(0, seccomp.NE, me))
    rules.add_rule(denied, "pidfd_send_signal")
    rules.load()


def confine(config: dict) -> None:
    """Everything the student process applies to itself before any student code runs.

    The same steps serve a freshly exec'd interpreter and a child forked from a warm
    worker, so both enter the same sandbox.
    """
    apply_limits(config.get("rlimits", {}))
    if config.get("nproc"):
        resource.setrlimit(resource.RLIMIT_NPROC, (config["nproc"], config["nproc"]))
    if config.get("seccomp"):
        apply_seccomp()


def probe(config: dict) -> None:
    """``--probe``: confine, then show that a new process is refused."""
    confine(config)
    try:
        pid = os.fork()
    except OSError:
        print("contained")
        return
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    print("not contained")


class CallbackFailed(RuntimeError):
    """Raised inside student code when the grader's callback raised."""


class Server:
    def __init__(self, channel: Any, fd_in: int, fd_out: int, workdir: str):
        self.channel = channel
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.workdir = workdir
        self.objects: dict[int, Any] = {}
        self.next_id = 1
        self.used: set[str] = set()
        """Grader functions that answered from their table since the last answer sent."""

    # -- values -------------------------------------------------------------------
    def handle_for(self, obj: Any) -> dict:
        handle = self.next_id
        self.next_id += 1
        self.objects[handle] = obj
        kind = getattr(obj, "__qualname__", None) if isinstance(obj, type) else None
        kind = kind or type(obj).__name__
        return {"$handle": handle, "type": str(kind)}

    def resolve_handle(self, doc: dict) -> Any:
        try:
            return self.objects[int(doc["$handle"])]
        except (KeyError, ValueError, TypeError):
            raise LookupError("unknown object handle") from None

    def make_callback(self, doc: dict) -> Any:
        callback_id = doc["$callback"]

        def grader_callback(*args: Any, **kwargs: Any) -> Any:
            self.send({"op": self.channel.Op.CALLBACK, "id": callback_id, "args": args, "kwargs": kwargs})
            return self.wait_for_answer()

        grader_callback.__name__ = f"grader_callback_{callback_id}"
        return grader_callback

    def make_answered(self, name: str, table: list, fallback: Any) -> Any:
        """A grader function that answers the calls it was sent answers for here, and the
        others through ``fallback`` (a callback); a name answered here is reported as used."""
        import copy

        answers = dict(table)

        def answered(*args: Any, **kwargs: Any) -> Any:
            try:
                key = self.channel.answer_key(args, kwargs)
            except TypeError:
                key = None
            if key is not None and key in answers:
                self.used.add(name)
                return copy.deepcopy(answers[key])
            return fallback(*args, **kwargs)

        if name:
            answered.__name__ = name
        return answered

    def decoder(self, message: dict, blob: bytes) -> Any:
        arrays = self.channel.load_arrays(message, blob)
        return self.channel.Decoder(arrays, self.resolve_handle, self.make_callback, self.make_answered)

    def send(self, message: dict) -> None:
        if self.used and message["op"] == self.channel.Op.RETURN:
            message["used"] = sorted(self.used)
            self.used.clear()
        encoder = self.channel.Encoder(self.handle_for)
        for key in ("value", "args", "kwargs"):
            if key in message:
                message[key] = encoder.encode(message[key])
        self.channel.write_frame(self.fd_out, self.channel.pack(message, encoder.arrays))

    def send_error(self, exc: BaseException, stage: str = "") -> None:
        answer = {"op": self.channel.Op.RAISE, **describe_error(exc, self.workdir)}
        if stage:
            answer["stage"] = stage
        if self.used:
            answer["used"] = sorted(self.used)
            self.used.clear()
        self.channel.write_frame(self.fd_out, self.channel.pack(answer, {}))

    # -- requests -----------------------------------------------------------------
    def serve(self) -> None:
        while True:
            try:
                message, blob = self.channel.read_frame_blocking(self.fd_in)
            except self.channel.ChannelError:
                return
            self.answer(message, blob)

    def wait_for_answer(self) -> Any:
        """Serve nested requests until the trusted side answers our callback."""
        op = self.channel.Op
        while True:
            message, blob = self.channel.read_frame_blocking(self.fd_in)
            if message["op"] == op.RETURN:
                return self.decoder(message, blob).decode(message.get("value"))
            if message["op"] == op.RAISE:
                raise CallbackFailed(str(message.get("message", "the grader's callback failed")))
            self.answer(message, blob)

    def answer(self, message: dict, blob: bytes) -> None:
        try:
            value = self.perform(message, blob)
        except _Lookup as lookup:
            self.send_error(lookup.error, stage="getattr")
            return
        except BaseException as exc:  # student code may raise anything, SystemExit included
            self.send_error(exc)
            return
        try:
            self.send({"op": self.channel.Op.RETURN, "value": value})
        except BaseException as exc:
            self.send_error(RuntimeError(f"the result could not be sent back: {type(exc).__name__}: {exc}"))

    def perform(self, message: dict, blob: bytes) -> Any:
        op, ops = message["op"], self.channel.Op
        if op == ops.IMPORT:
            return importlib.import_module(str(message["module"]))
        if op == ops.SUPPORT:
            return self.support_module(str(message["module"]), str(message["source"]))
        if op == ops.PING:
            return "pong"
        target = self.resolve_handle(message["obj"])
        decoder = self.decoder(message, blob)
        if op == ops.GETATTR:
            return getattr(target, str(message["name"]))
        if op == ops.SETATTR:
            setattr(target, str(message["name"]), decoder.decode(message.get("value")))
            return None
        if op == ops.SWAP:
            return self.swap(target, decoder.decode(message.get("value")))
        if op in (ops.CALLATTR, ops.MANY):
            try:
                target = getattr(target, str(message["name"]))
            except BaseException as exc:  # a module __getattr__ may raise anything
                raise _Lookup(exc) from None
            if op == ops.MANY:
                return self.call_many(target, decoder.decode(message.get("args", [])))
            op = ops.CALL
        if op == ops.CALL:
            args = decoder.decode(message.get("args", []))
            kwargs = decoder.decode(message.get("kwargs", {"$dict": []}))
            return target(*args, **{str(k): v for k, v in kwargs.items()})
        if op == ops.PROTOCOL:
            return self.protocol(self.channel.Protocol, target, str(message["name"]),
                                 decoder.decode(message.get("args", [])))
        raise ValueError(f"unknown operation {op!r}")

    def call_many(self, function: Any, calls: list) -> list:
        """Each ``[args, kwargs]`` in order; per call ``[True, value]`` or ``[False, error]``
        (what an ``Op.RAISE`` answer would have said), as if each had been its own request."""
        outcomes = []
        for args, kwargs in calls:
            try:
                outcomes.append([True, function(*args, **{str(k): v for k, v in kwargs.items()})])
            except BaseException as exc:  # student code may raise anything, SystemExit included
                outcomes.append([False, describe_error(exc, self.workdir)])
        return outcomes

    @staticmethod
    def swap(target: Any, new: dict) -> list:
        """Set each attribute of ``new`` on ``target``; for each, ``[True, what it was]``,
        or ``[False, None]`` where there was nothing (or reading it raised)."""
        previous = []
        for name, value in new.items():
            try:
                previous.append([True, getattr(target, str(name))])
            except BaseException:  # the student's module __getattr__ may raise anything
                previous.append([False, None])
            setattr(target, str(name), value)
        return previous

    @staticmethod
    def support_module(name: str, source: str) -> types.ModuleType:
        """Grader-supplied code that must run next to student code (a training loop)."""
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"<grader support {name}>", "exec"), module.__dict__)
        return module

    @staticmethod
    def protocol(names: Any, target: Any, name: str, args: list) -> Any:
        if name == names.LEN:
            return len(target)
        if name == names.GETITEM:
            return target[args[0]]
        if name == names.CONTAINS:
            return args[0] in target
        if name == names.LIST:
            return list(target)
        raise ValueError(f"unknown protocol {name!r}")


class _Lookup(Exception):
    """The attribute of an ``Op.CALLATTR`` could not be read (``error`` says why)."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def describe_error(exc: BaseException, workdir: str) -> dict:
    """The exception as data (the fields of an ``Op.RAISE`` answer): its class names (most
    specific first), message, and the traceback frames that belong to the student's own
    files."""
    try:
        text = str(exc)
    except BaseException:
        text = "<the exception's message could not be turned into text>"
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(workdir + os.sep):
            name = os.path.relpath(frame.filename, workdir)
            frames.append(f'  File "{name}", line {frame.lineno}, in {frame.name}\n    {frame.line or ""}'.rstrip())
    if isinstance(exc, SyntaxError) and exc.filename and str(exc.filename).startswith(workdir):
        name = os.path.relpath(exc.filename, workdir)
        frames.append(f'  File "{name}", line {exc.lineno}\n    {(exc.text or "").rstrip()}')
    return {
        "types": [cls.__name__ for cls in type(exc).__mro__][:12],
        "message": text[:MAX_MESSAGE],
        "traceback": "\n".join(frames[-8:])[:4 * MAX_MESSAGE],
    }


def load_channel(channel_source: str) -> types.ModuleType:
    channel = types.ModuleType("_autograder_channel")
    sys.modules[channel.__name__] = channel
    exec(compile(channel_source, "<autograder channel>", "exec"), channel.__dict__)
    return channel


def serve_workspace(channel: types.ModuleType, config: dict) -> None:
    """Confine this process, then serve one submission's workspace until the channel closes."""
    if "torch" in sys.modules:  # forked from a warm worker: one thread, before anything else
        sys.modules["torch"].set_num_threads(1)
    confine(config)
    workdir = config["workdir"]
    os.chdir(workdir)
    os.environ.update(HOME=workdir, TMPDIR=workdir)
    sys.path.insert(0, workdir)
    sys.argv = [os.path.join(workdir, "__main__")]
    Server(channel, config["fd_in"], config["fd_out"], workdir).serve()
    os._exit(0)


class Zygote:
    """A warm worker: libraries imported once, a fresh confined child forked per request.

    It runs no student code itself and never runs a torch operation (a fork after one
    can deadlock the child). Requests come on a SOCK_SEQPACKET socket, one JSON message
    each, with the child's three pipe ends passed as file descriptors.
    """

    def __init__(self, channel: types.ModuleType, control_fd: int, config: dict):
        import socket

        self.channel = channel
        self.control = socket.socket(fileno=control_fd)
        self.config = config
        self.finished: dict[int, int] = {}
        self.children: set[int] = set()

    def run(self) -> None:
        import socket

        for module in self.config.get("preload", []):
            try:
                importlib.import_module(module)
            except Exception:  # a library this machine lacks: students' imports will say so
                pass
        set_not_dumpable()
        # What the writable folders hold before any student ran (/dev's device nodes).
        self.baseline = {folder: set(listing(folder)) for folder in self.config.get("wipe", [])}
        # Move the preloaded libraries' objects out of the collector's sight: otherwise every
        # full collection in every child walks all of torch again (and copies its pages).
        gc.collect()
        gc.freeze()
        self.reply({"ready": os.getpid()})
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self.control, 1 << 20, 4)
            except OSError:
                break
            if not message:
                break
            request = json.loads(message)
            try:
                self.reply(self.perform(request, fds))
            except Exception as exc:
                self.reply({"error": f"{type(exc).__name__}: {exc}"})
            finally:
                for fd in fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
        self.reset()
        os._exit(0)

    def reply(self, answer: dict) -> None:
        self.control.send(json.dumps(answer).encode())

    def perform(self, request: dict, fds: list[int]) -> dict:
        op, control = request["op"], self.channel.Control
        self.reap()
        if op == control.SPAWN:
            return {"pid": self.spawn(request["config"], fds)}
        pid = int(request.get("pid", 0))
        if op == control.POLL:
            return {"status": self.finished.get(pid)}
        if op == control.KILL:
            return {"status": self.kill(pid)}
        if op == control.RESET:
            self.reset()
            return {"ok": True}
        raise ValueError(f"unknown request {op!r}")

    def spawn(self, config: dict, fds: list[int]) -> int:
        request_r, answer_w, output_w = fds
        pid = os.fork()
        if pid == 0:
            try:
                self.control.close()
                os.setsid()
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.dup2(output_w, 1)
                os.dup2(output_w, 2)
                serve_workspace(self.channel, dict(config, fd_in=request_r, fd_out=answer_w))
            finally:
                os._exit(70)
        self.children.add(pid)
        return pid

    def reap(self) -> None:
        """Collect every child that has ended (orphans too, when this is pid 1)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.children.discard(pid)
                self.finished[pid] = os.waitstatus_to_exitcode(status)

    def kill(self, pid: int) -> int | None:
        for target in (lambda: os.killpg(pid, 9), lambda: os.kill(pid, 9)):
            try:
                target()
            except OSError:
                pass
        if pid in self.children:
            _, status = os.waitpid(pid, 0)
            self.children.discard(pid)
            self.finished[pid] = os.waitstatus_to_exitcode(status)
        return self.finished.pop(pid, None)

    def reset(self) -> None:
        """Between two submissions: no process and no file of the last one survives."""
        for pid in list(self.children):
            self.kill(pid)
        if self.config.get("own_pid_namespace") and os.readlink("/proc/self/ns/pid") != self.config.get("outer_pid_namespace"):
            try:
                os.kill(-1, 9)  # everything else in this pid namespace: daemonised grandchildren
            except OSError:
                pass
            time.sleep(0.01)
            self.reap()
        for folder in self.config.get("wipe", []):
            wipe(folder, keep=self.config["spool"], baseline=self.baseline.get(folder, ()))
        self.finished.clear()


def listing(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def wipe(folder: str, keep: str, baseline: "set[str] | tuple" = ()) -> None:
    """Remove what students added to ``folder``: everything but ``baseline`` entries,
    ``keep`` (the spool, bound inside it) and mount points."""
    import shutil

    for name in listing(folder):
        path = os.path.join(folder, name)
        if keep.startswith(path + os.sep):  # a folder on the way to the spool: empty it too
            wipe(path, keep)
            continue
        if name in baseline or path == keep or os.path.ismount(path):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def set_not_dumpable() -> None:
    """Children share this process's uid: keep them from reading or writing its memory."""
    import ctypes

    PR_SET_DUMPABLE = 4
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main() -> None:
    if sys.argv[1] == "--probe":
        probe(json.loads(sys.argv[2]))
        return
    if sys.argv[1] == "--zygote":
        config = json.loads(sys.argv[3])
        Zygote(load_channel(sys.argv[2]), config["control_fd"], config).run()
        return
    channel_source, config = sys.argv[1], json.loads(sys.argv[2])
    serve_workspace(load_channel(channel_source), config)


if __name__ == "__main__":
    main()
