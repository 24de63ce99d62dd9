"""The trusted side's view of student code: proxies that call into the student process.

Graders write ``bleu = student.module("bleu"); bleu.corpus_bleu(hyps, refs)`` as if the
module were local. Every attribute access and call becomes a request over the data-only
channel; results come back as plain data (numbers, lists, tensors, Counters, ...) or as a
:class:`RemoteObject` when the value is not data (a class, a model, a vocabulary).

What student code does is turned into exceptions the grader can reason about:

- an exception in student code is re-raised as a :class:`StudentError` subclass that also
  inherits the matching builtin, so ``pytest.raises(ValueError)`` works in graders;
- a crash, an early exit, a hang or a corrupted channel is a :class:`StudentCrash` or
  :class:`StudentTimeout`; the process is replaced before the next request, so one broken
  function costs only the tests that use it.
"""

from __future__ import annotations

import builtins
import itertools
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from . import channel
from .channel import Op, Protocol
from .sandbox.limits import Limits
from .sandbox.policy import Sandbox
from .sandbox.process import Deadline, ProcessEnded, StudentProcess
from .sandbox.zygote import Zygote

DEFAULT_CALL_SECONDS = 10.0
MAX_RESTARTS = 8

# Builtin exceptions a student exception may be presented as (most specific first in the
# student's MRO wins). BaseException-only classes (SystemExit, KeyboardInterrupt) and
# StopIteration are left out on purpose: they would change the grader's own control flow.
_MAPPABLE = {
    name: getattr(builtins, name)
    for name in (
        "ValueError TypeError KeyError IndexError LookupError AttributeError ZeroDivisionError "
        "ArithmeticError OverflowError RuntimeError NotImplementedError RecursionError "
        "AssertionError MemoryError NameError UnboundLocalError ImportError ModuleNotFoundError "
        "FileNotFoundError OSError UnicodeError"
    ).split()
}


class StudentError(Exception):
    """Something the student's code did. ``str()`` is written for the student."""

    def __init__(self, message: str, *, type_name: str = "", traceback: str = "", output: str = "",
                 failed_import: str = ""):
        super().__init__(message)
        self.message = message
        self.type_name = type_name
        self.student_traceback = traceback
        self.output = output
        self.failed_import = failed_import
        """The module whose import failed, when this error is that failure."""

    def __str__(self) -> str:
        return self.message

    def clone(self, message: str | None = None, *, failed_import: str | None = None) -> "StudentError":
        """A fresh copy: re-raising one instance would keep growing its traceback."""
        return type(self)(message or self.message, type_name=self.type_name, traceback=self.student_traceback,
                          output=self.output,
                          failed_import=self.failed_import if failed_import is None else failed_import)

    def feedback(self) -> str:
        if self.student_traceback:
            return f"{self.message}\nWhere it happened in your code:\n{self.student_traceback}"
        return self.message


class StudentCrash(StudentError):
    """The student process ended or broke the channel while serving a request."""


class StudentTimeout(StudentError):
    """The student process did not answer before the test's deadline."""


_error_classes: dict[str, type] = {}


def _error_class(type_names: list[str]) -> type:
    for name in type_names:
        builtin = _MAPPABLE.get(name)
        if builtin is None:
            continue
        if name not in _error_classes:
            try:
                _error_classes[name] = type(f"Student{name}", (StudentError, builtin), {})
            except TypeError:
                _error_classes[name] = StudentError
        return _error_classes[name]
    return StudentError


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "the process stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = {
            "SIGKILL": " (killed: often the memory or CPU limit)",
            "SIGXCPU": " (the CPU time limit)",
            "SIGSEGV": " (a segmentation fault)",
            "SIGXFSZ": " (the file size limit)",
        }.get(name, "")
        return f"the process was terminated by {name}{hint}"
    return f"the process exited with status {returncode} (did your code call exit()?)"


class RemoteObject:
    """A student object that stays in the student process (a function, class, model...)."""

    __slots__ = ("_session", "_id", "_generation", "_path", "_type")

    def __init__(self, session: "StudentSession", handle: int, generation: int, path: str, type_name: str):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_id", handle)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_type", type_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request(self, {"op": Op.GETATTR, "name": name}, path=f"{self._path}.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request(self, {"op": Op.SETATTR, "name": name, "value": value}, path=f"{self._path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.request(self, {"op": Op.CALL, "args": args, "kwargs": kwargs}, path=f"{self._path}()")

    def _call_attr(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``getattr(self, name)(*args, **kwargs)`` in one round trip, the attribute read in
        the student process at call time (nothing is cached); a missing one is reported as
        a getattr's would be."""
        return self._session.request(self, {"op": Op.CALLATTR, "name": name, "args": args, "kwargs": kwargs},
                                     path=f"{self._path}.{name}()")

    def _call_many(self, name: str, calls: Sequence[tuple[tuple, dict]]) -> list[tuple[bool, Any]]:
        """``getattr(self, name)(*args, **kwargs)`` for each ``(args, kwargs)``, in order, in
        one round trip: per call ``(True, value)`` or ``(False, StudentError)`` (the error its
        own request would have raised). The request as a whole raises what a single call
        would: a missing function, a crash or the test's deadline."""
        path = f"{self._path}.{name}()"
        message = {"op": Op.MANY, "name": name, "args": [[list(args), dict(kwargs)] for args, kwargs in calls]}
        answer = self._session.request(self, message, path=path)
        return self._session.outcomes(answer, len(calls), path)

    def _swap(self, values: dict[str, Any]) -> dict[str, Any]:
        """Set these attributes in one round trip; the values they replaced (a name that
        had none, or whose reading raised, is left out)."""
        answer = self._session.request(self, {"op": Op.SWAP, "value": values}, path=f"{self._path}.*")
        return {name: value for name, (present, value) in zip(values, answer) if present}

    def __len__(self) -> int:
        return self._protocol(Protocol.LEN)

    def __getitem__(self, key: Any) -> Any:
        return self._protocol(Protocol.GETITEM, key)

    def __contains__(self, key: Any) -> bool:
        return self._protocol(Protocol.CONTAINS, key)

    def __iter__(self):
        return iter(self._protocol(Protocol.LIST))

    def __repr__(self) -> str:
        return f"<student {self._type} {self._path}>"

    def _protocol(self, name: str, *args: Any) -> Any:
        return self._session.request(self, {"op": Op.PROTOCOL, "name": name, "args": list(args)}, path=self._path)


class StudentSession:
    """All requests of one submission's grading go through here.

    The student process is started lazily and replaced after a crash or a timeout. A
    module whose import failed is remembered, so every later test gets the same verdict
    at once instead of paying the failure (say a hang at import time) again.
    """

    def __init__(self, workdir: Path, limits: Limits | None = None, python: str | None = None,
                 sandbox: Sandbox | None = None, zygote: Zygote | None = None):
        self.workdir = workdir
        self.sandbox = sandbox
        self.zygote = zygote
        self.limits = limits or Limits()
        self.python = python
        self.process: StudentProcess | None = None
        self.generation = 0
        self.restarts = 0
        self.deadline: float | None = None
        self.import_failures: dict[str, StudentError] = {}
        self.modules: dict[str, RemoteObject] = {}
        self.callbacks: dict[int, Callable] = {}
        self._callback_ids = itertools.count(1)
        self._callback_error: BaseException | None = None
        self._depth = 0
        self.output_log: list[str] = []
        self.trusted_now: tuple[str, ...] = ()
        """Student functions replaced by the reference right now (``toolkit.trusted``)."""
        self.trusted_used: set[str] = set()
        """Those replaced at some point of the current test."""
        self.before_request: list[Callable[[], None]] = []
        """Work deferred until a request is really sent (installing stand-ins), run in order."""

    # -- public ------------------------------------------------------------------------
    def module(self, name: str) -> RemoteObject:
        """The student's module ``name`` (imported in the student process)."""
        if name in self.import_failures:
            raise self.import_failures[name].clone()
        cached = self.modules.get(name)
        if cached is not None and cached._generation == self.generation:
            return cached  # the student process's sys.modules would answer the same
        try:
            module = self.request(None, {"op": Op.IMPORT, "module": name}, path=name)
        except StudentError as exc:
            self.import_failures[name] = exc.clone(f"{name}.py could not be imported: {exc.message}",
                                                   failed_import=name)
            raise self.import_failures[name].clone() from None
        if isinstance(module, RemoteObject):
            self.modules[name] = module
        return module

    def support_module(self, name: str, source: str) -> RemoteObject:
        """Run grader-supplied ``source`` as module ``name`` in the student process.

        For work that has to happen next to student code, such as a training loop for the
        student's model. It runs where the student's code can reach it, so whatever it
        reports is a claim: verdicts must come from data the grader checks itself (say,
        predictions on held-out inputs sent after training). It must not contain anything
        students may not see.
        """
        if not name.isidentifier():
            raise ValueError(f"support module name {name!r} is not an identifier")
        return self.request(None, {"op": Op.SUPPORT, "module": name, "source": source}, path=name)

    def take_output(self) -> str:
        """What the student's code printed since the last call."""
        collected = "".join(self.output_log)
        self.output_log.clear()
        if self.process is not None:
            collected += self.process.take_output()
        return collected

    def close(self) -> None:
        if self.process is not None:
            self.output_log.append(self.process.take_output())
            self.process.kill()
            self.process = None

    # -- requests ------------------------------------------------------------------------
    def request(self, target: RemoteObject | None, message: dict, path: str) -> Any:
        while self.before_request:
            self.before_request.pop(0)()
        if target is not None:
            if target._generation != self.generation:
                raise StudentCrash(
                    f"{target._path} belonged to an earlier run of your code that crashed or timed out; "
                    "it cannot be used any more"
                )
            message["obj"] = {"$handle": target._id}
        process = self._process()
        deadline = self.deadline if self.deadline is not None else time.monotonic() + DEFAULT_CALL_SECONDS
        outermost = self._depth == 0
        if outermost:
            self._callback_error = None
        self._depth += 1
        try:
            process.send(self._pack(message), deadline)
            result = self._await_answer(process, deadline, path, message["op"])
        except Deadline:
            self._lose_process()
            raise StudentTimeout(
                f"{path} did not finish in time (the time limit of this test ran out): "
                "look for an infinite loop or very slow code"
            ) from None
        except ProcessEnded as ended:
            self._lose_process()
            raise StudentCrash(f"while running {path}, {describe_exit(ended.returncode)}") from None
        except channel.ChannelError as exc:
            self._lose_process()
            raise StudentCrash(f"while running {path}, the answer from your code was unreadable ({exc})") from None
        except StudentError:
            if outermost and self._callback_error is not None:
                raise self._callback_error from None  # the grader's own message, not its echo
            raise
        finally:
            self._depth -= 1
        if outermost and self._callback_error is not None:
            raise self._callback_error
        return result

    def _await_answer(self, process: StudentProcess, deadline: float, path: str, request_op: str) -> Any:
        while True:
            message, blob = process.receive(deadline)
            op = message.get("op")
            used = message.get("used")
            if isinstance(used, list):  # stand-ins that answered from their table (a claim: feedback only)
                self.trusted_used.update(name for name in used if name in self.trusted_now)
            if op == Op.RETURN:
                return self._decode(message, blob, path, "value")
            if op == Op.RAISE:
                if message.get("stage") == "getattr":  # an Op.CALLATTR whose attribute could not be read
                    raise self._student_exception(message, path.removesuffix("()"), Op.GETATTR)
                raise self._student_exception(message, path, request_op)
            if op == Op.CALLBACK:
                process.send(self._run_callback(message, blob, path), deadline)
                continue
            raise channel.ChannelError(f"unexpected message {op!r}")

    def _run_callback(self, message: dict, blob: bytes, path: str) -> bytes:
        function = self.callbacks.get(message.get("id"))
        if function is None:
            raise channel.ChannelError("callback to an unknown function")
        args = self._decode(message, blob, path, "args")
        kwargs = self._decode(message, blob, path, "kwargs")
        try:
            value = function(*args, **{str(k): v for k, v in (kwargs or {}).items()})
            return self._pack({"op": Op.RETURN, "value": value})
        except StudentError:
            raise  # student code called from the callback crashed: the whole request is lost
        except Exception as exc:  # the grader's callback failed: tell the student side, fail the test
            if self._callback_error is None:
                self._callback_error = exc
            return channel.pack({"op": Op.RAISE, "message": f"{type(exc).__name__}: {exc}"}, {})

    def outcomes(self, answer: Any, count: int, path: str) -> list[tuple[bool, Any]]:
        """An ``Op.MANY`` answer as ``(True, value)`` / ``(False, StudentError)`` pairs; an
        answer of another shape is a broken channel (the process is replaced)."""
        shaped = isinstance(answer, list) and len(answer) == count and all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[0], bool)
            and (item[0] or isinstance(item[1], dict)) for item in answer)
        if not shaped:
            self._lose_process()
            raise StudentCrash(f"while running {path}, the answer from your code was unreadable (not one outcome "
                               "per call)")
        return [(True, value) if ok else (False, self._student_exception(value, path, Op.CALL))
                for ok, value in answer]

    def _student_exception(self, message: dict, path: str, op: str) -> StudentError:
        types = [str(t) for t in message.get("types", [])] or ["Exception"]
        text = str(message.get("message", ""))
        if types[0] == "NotImplementedError":
            summary = f"{path} is not implemented yet (it raises NotImplementedError)"
        elif op == Op.IMPORT:
            summary = f"{types[0]}: {text}"
        elif types[0] == "AttributeError" and op == Op.GETATTR:
            summary = f"{path} does not exist ({text}): check the name against the assignment's API"
        else:
            summary = f"{path} raised {types[0]}" + (f": {text}" if text else "")
        return _error_class(types)(summary, type_name=types[0], traceback=str(message.get("traceback", "")))

    # -- encoding ------------------------------------------------------------------------
    def _pack(self, message: dict) -> bytes:
        encoder = channel.Encoder(self._encode_other)
        for key in ("value", "args", "kwargs"):
            if key in message:
                message[key] = encoder.encode(message[key])
        return channel.pack(message, encoder.arrays)

    def _encode_other(self, value: Any) -> dict:
        if isinstance(value, RemoteObject):
            if value._generation != self.generation:
                raise StudentCrash(f"{value._path} belonged to an earlier run of your code")
            return {"$handle": value._id}
        if callable(value) and not isinstance(value, type):
            callback_id = next(self._callback_ids)
            self.callbacks[callback_id] = value
            return {"$callback": callback_id}
        raise TypeError(f"cannot send a {type(value).__name__} to student code")

    def _decode(self, message: dict, blob: bytes, path: str, key: str) -> Any:
        """One field of a student message as Python data; anything malformed is a ChannelError."""
        generation = self.generation

        def handle(doc: dict) -> RemoteObject:
            return RemoteObject(self, int(doc["$handle"]), generation, path, str(doc.get("type", "object"))[:100])

        def no_callbacks(doc: dict) -> Any:
            raise channel.ChannelError("student code cannot send callbacks")

        try:
            decoder = channel.Decoder(channel.load_arrays(message, blob), handle, no_callbacks)
            return decoder.decode(message.get(key))
        except channel.ChannelError:
            raise
        except Exception as exc:  # a forged or damaged frame: never trust its structure
            raise channel.ChannelError(f"{type(exc).__name__}: {exc}") from None

    # -- the process -----------------------------------------------------------------------
    def _process(self) -> StudentProcess:
        if self.process is not None and self.process.alive:
            return self.process
        if self.process is not None:
            self._lose_process()
        if self.restarts >= MAX_RESTARTS:
            raise StudentCrash(f"your code crashed or timed out {self.restarts} times; the remaining checks were skipped")
        process = StudentProcess(self.workdir, self.limits, self.python or sys.executable, self.sandbox, self.zygote)
        process.start()
        self.process = process
        return process

    def _lose_process(self) -> None:
        """Forget the current process after a failure; the next request starts a new one."""
        if self.process is not None:
            self.output_log.append(self.process.take_output())
            self.process.kill()
            self.process = None
        self.generation += 1
        self.restarts += 1
