"""Entry point of the student process: the only code in the framework that imports student code.

It runs as ``python -I -c <this file's source> <channel.py's source> CONFIG``: the student
process needs no framework file on disk and nothing on its path but the submission and
the interpreter's libraries. Before any student code is imported it applies
its own resource limits: that works the same for a freshly exec'd interpreter and for a
child forked from a warm worker.

It then serves requests from the trusted side (import a module, get an attribute, call a
function or a method) and answers with data, or with a handle for objects that are not
data. While student code runs, a grader-supplied callback is a stub that sends a
``callback`` frame and serves nested requests until the answer comes back.

Everything this process says is a claim: the trusted side decides what it is worth.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import traceback
import types
from typing import Any

MAX_MESSAGE = 2000


def apply_limits(rlimits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in rlimits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


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
            self.send({"op": "callback", "id": callback_id, "args": args, "kwargs": kwargs})
            return self.wait_for_answer()

        grader_callback.__name__ = f"grader_callback_{callback_id}"
        return grader_callback

    def decoder(self, message: dict, blob: bytes) -> Any:
        arrays = self.channel.load_arrays(message, blob)
        return self.channel.Decoder(arrays, self.resolve_handle, self.make_callback)

    def send(self, message: dict) -> None:
        encoder = self.channel.Encoder(self.handle_for)
        for key in ("value", "args", "kwargs"):
            if key in message:
                message[key] = encoder.encode(message[key])
        self.channel.write_frame(self.fd_out, self.channel.pack(message, encoder.arrays))

    def send_error(self, exc: BaseException) -> None:
        self.channel.write_frame(self.fd_out, self.channel.pack(describe_error(exc, self.workdir), {}))

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
        while True:
            message, blob = self.channel.read_frame_blocking(self.fd_in)
            if message["op"] == "return":
                return self.decoder(message, blob).decode(message.get("value"))
            if message["op"] == "raise":
                raise CallbackFailed(str(message.get("message", "the grader's callback failed")))
            self.answer(message, blob)

    def answer(self, message: dict, blob: bytes) -> None:
        try:
            value = self.perform(message, blob)
        except BaseException as exc:  # student code may raise anything, SystemExit included
            self.send_error(exc)
            return
        try:
            self.send({"op": "return", "value": value})
        except BaseException as exc:
            self.send_error(RuntimeError(f"the result could not be sent back: {type(exc).__name__}: {exc}"))

    def perform(self, message: dict, blob: bytes) -> Any:
        op = message["op"]
        if op == "import":
            return importlib.import_module(str(message["module"]))
        if op == "support":
            return self.support_module(str(message["module"]), str(message["source"]))
        if op == "ping":
            return "pong"
        target = self.resolve_handle(message["obj"])
        decoder = self.decoder(message, blob)
        if op == "getattr":
            return getattr(target, str(message["name"]))
        if op == "setattr":
            setattr(target, str(message["name"]), decoder.decode(message.get("value")))
            return None
        if op == "call":
            args = decoder.decode(message.get("args", []))
            kwargs = decoder.decode(message.get("kwargs", {"$dict": []}))
            return target(*args, **{str(k): v for k, v in kwargs.items()})
        if op == "protocol":
            return self.protocol(target, str(message["name"]), decoder.decode(message.get("args", [])))
        raise ValueError(f"unknown operation {op!r}")

    @staticmethod
    def support_module(name: str, source: str) -> types.ModuleType:
        """Grader-supplied code that must run next to student code (a training loop)."""
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"<grader support {name}>", "exec"), module.__dict__)
        return module

    @staticmethod
    def protocol(target: Any, name: str, args: list) -> Any:
        if name == "len":
            return len(target)
        if name == "getitem":
            return target[args[0]]
        if name == "contains":
            return args[0] in target
        if name == "list":
            return list(target)
        raise ValueError(f"unknown protocol {name!r}")


def describe_error(exc: BaseException, workdir: str) -> dict:
    """The exception as data: its class names (most specific first), message, and the
    traceback frames that belong to the student's own files."""
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
        "op": "raise",
        "types": [cls.__name__ for cls in type(exc).__mro__][:12],
        "message": text[:MAX_MESSAGE],
        "traceback": "\n".join(frames[-8:])[:4 * MAX_MESSAGE],
    }


def main() -> None:
    channel_source, config = sys.argv[1], json.loads(sys.argv[2])
    apply_limits(config["rlimits"])
    channel = types.ModuleType("_autograder_channel")
    sys.modules[channel.__name__] = channel
    exec(compile(channel_source, "<autograder channel>", "exec"), channel.__dict__)

    workdir = config["workdir"]
    os.chdir(workdir)
    sys.path.insert(0, workdir)
    sys.argv = [os.path.join(workdir, "__main__")]
    Server(channel, config["fd_in"], config["fd_out"], workdir).serve()
    os._exit(0)


if __name__ == "__main__":
    main()
