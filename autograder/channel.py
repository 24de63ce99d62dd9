"""Data-only messages between the trusted grader and the sandboxed student process.

A frame is a fixed header, a JSON document and an optional safetensors blob:

    !QQ (json_len, blob_len) | JSON (UTF-8) | safetensors bytes

JSON carries structure; tensors and arrays travel in the safetensors blob, which holds raw
numbers only. Nothing is ever pickled, so decoding a frame cannot run code: the trusted side
can read whatever the student process sends without trusting it.

Values that are not plain data (a student's function, class, model, vocabulary) stay in
the process that owns them and cross as a *handle* ``{"$handle": id}``; grader functions
passed to student code cross as ``{"$callback": id}`` and are called back over the same
pipe, so calls flow in both directions (A3's beam search calls a grader's ``step``). A
grader function may travel with answers it already knows (``{"$answered": ...}``, see
:class:`Answered`): calls with those arguments are answered in the student process, the
rest call back. Only the trusted side sends one; its decoder refuses one from the student.

The student process receives this module's source on its command line, so it must import
nothing outside the standard library at module level (numpy, torch and safetensors are
imported only when a frame really holds arrays).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import struct
from collections import Counter, OrderedDict
from typing import Any, Callable

HEADER = struct.Struct("!QQ")
MAX_FRAME_BYTES = 256 * 1024 * 1024


class Op:
    """The operations of the student-process protocol, named once for both sides
    (``remote.py`` on the trusted side, ``sandbox/child.py`` in the student process)."""

    IMPORT = "import"      # import a student module; answers a handle
    SUPPORT = "support"    # run grader-supplied source as a module next to student code
    PING = "ping"
    GETATTR = "getattr"    # on a handle
    SETATTR = "setattr"
    SWAP = "swap"          # set several attributes of a handle at once; answers the ones they replace
    CALL = "call"
    CALLATTR = "callattr"  # getattr then call on a handle, in one round trip (a failed getattr says so)
    MANY = "many"          # getattr once, then one call per [args, kwargs] in order; answers each outcome
    PROTOCOL = "protocol"  # len / getitem / contains / list on a handle (see Protocol)
    RETURN = "return"      # an answer with a value (either side: callbacks answer too)
    RAISE = "raise"        # an answer with an exception described as data
    CALLBACK = "callback"  # the student side asks the grader to run one of its functions


class Protocol:
    """The container protocols a handle answers through ``Op.PROTOCOL``."""

    LEN = "len"
    GETITEM = "getitem"
    CONTAINS = "contains"
    LIST = "list"


class Control:
    """Requests to a warm worker on its control socket (``sandbox/zygote.py`` asks,
    ``sandbox/child.py`` answers)."""

    SPAWN = "spawn"
    POLL = "poll"
    KILL = "kill"
    RESET = "reset"


class ChannelError(Exception):
    """The peer sent something that is not a valid frame (or closed the channel)."""


class Record:
    """A dataclass instance received from the other side, as plain named fields.

    The receiving side never constructs the sender's classes: a student's ``Hypothesis``
    arrives as a Record with the same field names and its type name in ``_type``.
    """

    def __init__(self, type_name: str, fields: dict[str, Any]):
        self.__dict__["_type"] = type_name
        self.__dict__["_fields"] = dict(fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_fields"][name]
        except KeyError:
            raise AttributeError(f"{self._type} has no field {name!r}") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and (self._type, self._fields) == (other._type, other._fields)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"{self._type}({inner})"


@dataclasses.dataclass
class Answered:
    """A grader function sent with answers it already knows: ``table`` holds ``(key,
    document)`` pairs, the key the :func:`answer_key` of the arguments and the document the
    answer as :func:`encode_data` wrote it. In the student process
    it answers a call whose arguments have one of those keys with a copy of its value, and
    any other call through ``fallback``, a callback. Only the trusted side sends one."""

    name: str
    table: list[tuple[Any, Any]]
    fallback: Callable[..., Any]


def answer_key(args: Any, kwargs: Any) -> str:
    """A text equal for calls with equal arguments as data (a list and a tuple differ, so do
    1 and 1.0); TypeError for arguments that are not plain data. Text, so that a table of
    answers crosses the channel cheaply and both sides compute it the same way."""
    return json.dumps([_key(list(args)), _key(dict(kwargs))], ensure_ascii=False, separators=(",", ":"))


def encode_data(value: Any) -> Any:
    """The document of a value made of plain data only (no tensor, handle or callback);
    TypeError otherwise. A copy: later changes to ``value`` do not reach it."""
    def refuse(other: Any) -> dict:
        raise TypeError(f"not plain data: {type(other).__name__}")

    encoder = Encoder(refuse)
    document = encoder.encode(value)
    if encoder.arrays:
        raise TypeError("holds arrays")
    return document


def _key(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is float or kind is bool or value is None:
        return [kind.__name__, value]
    if isinstance(value, (list, tuple)):
        if all(type(v) is str for v in value):  # a list of tokens, the common case: each its own key
            return [_kind(value), list(value)]
        return [_kind(value), [_key(v) for v in value]]
    if isinstance(value, dict):
        items = sorted(([_key(k), _key(v)] for k, v in value.items()), key=repr)
        return [_kind(value), items]
    raise TypeError(f"not plain data: {type(value).__name__}")


def _kind(container: Any) -> str:
    """The key's name for a container: subclasses count as their base (a namedtuple is a
    tuple), except Counter, whose missing keys read as 0 and so answer differently."""
    kind = type(container)
    if kind is list or kind is tuple or kind is dict:
        return kind.__name__
    return next(kind.__name__ for kind in (Counter, dict, list, tuple) if isinstance(container, kind))


# --------------------------------------------------------------------------- encoding


class Encoder:
    """Turns a Python value into (JSON-able document, {name: tensor or array}).

    ``on_other`` decides what happens to values that are not data: the student side
    registers them as handles, the grader side registers callables as callbacks.
    """

    def __init__(self, on_other: Callable[[Any], dict]):
        self.on_other = on_other
        self.arrays: dict[str, Any] = {}

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, Counter):
            return {"$counter": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, dict):
            return {"$dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return {"$tuple": [self.encode(v) for v in value]}
        if isinstance(value, tuple):  # namedtuple: keep the values, drop the class
            return {"$tuple": [self.encode(v) for v in tuple.__iter__(value)]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, (set, frozenset)):
            return {"$set": [self.encode(v) for v in value]}
        if isinstance(value, (bytes, bytearray)):
            return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
        tensor = _as_tensor(value)
        if tensor is not None:
            name = f"t{len(self.arrays)}"
            self.arrays[name] = tensor
            return {"$tensor": name}
        array = _as_ndarray(value)
        if array is not None:
            if array.ndim == 0:
                return self.encode(array.item())
            name = f"a{len(self.arrays)}"
            self.arrays[name] = array
            return {"$ndarray": name}
        if isinstance(value, Answered):  # before dataclasses: it is one
            return {"$answered": [[str(key), document] for key, document in value.table],
                    "fallback": self.on_other(value.fallback), "name": value.name}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {"$record": type(value).__name__, "fields": fields}
        if isinstance(value, Record):
            return {"$record": value._type, "fields": {k: self.encode(v) for k, v in value._fields.items()}}
        return self.on_other(value)


def _as_tensor(value: Any) -> Any:
    torch = _loaded("torch")
    if torch is None or not isinstance(value, torch.Tensor):
        return None
    # A plain tensor copy: subclasses (and whatever they override) stay behind.
    plain = value.detach()
    if type(plain) is not torch.Tensor:
        plain = plain.as_subclass(torch.Tensor)
    return plain.cpu().contiguous().clone()


def _as_ndarray(value: Any) -> Any:
    np = _loaded("numpy")
    if np is None:
        return None
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return None
        return np.ascontiguousarray(value)
    return None


def _loaded(module: str) -> Any:
    """The module if the process already imported it; never imports it here."""
    import sys

    return sys.modules.get(module)


def dump_arrays(arrays: dict[str, Any]) -> bytes:
    if not arrays:
        return b""
    torch_arrays = {k: v for k, v in arrays.items() if k.startswith("t")}
    np_arrays = {k: v for k, v in arrays.items() if k.startswith("a")}
    if torch_arrays:
        from safetensors.torch import save

        import torch

        merged = dict(torch_arrays)
        merged.update({k: torch.from_numpy(v.copy()) for k, v in np_arrays.items()})
        return save(merged)
    from safetensors.numpy import save as np_save

    return np_save(np_arrays)


def load_arrays(message: dict, blob: bytes) -> dict[str, Any]:
    if not blob:
        return {}
    if message.get("arrays") == "torch":
        from safetensors.torch import load

        return load(bytes(blob))
    from safetensors.numpy import load as np_load

    return np_load(bytes(blob))


# --------------------------------------------------------------------------- decoding


class Decoder:
    """Rebuilds a value from a document and its arrays; handles and callbacks are
    resolved by the caller-supplied functions."""

    def __init__(self, arrays: dict[str, Any], on_handle: Callable[[dict], Any], on_callback: Callable[[dict], Any],
                 on_answered: Callable[[str, list, Any], Any] | None = None):
        self.arrays = arrays
        self.on_handle = on_handle
        self.on_callback = on_callback
        self.on_answered = on_answered
        """Builds the stand-in of an :class:`Answered` (name, decoded pairs, fallback);
        None where none may arrive (the trusted side reading the student process)."""

    def decode(self, doc: Any) -> Any:
        if isinstance(doc, list):
            return [self.decode(v) for v in doc]
        if not isinstance(doc, dict):
            return doc
        if "$tuple" in doc:
            return tuple(self.decode(v) for v in doc["$tuple"])
        if "$dict" in doc:
            return OrderedDict((_hashable(self.decode(k)), self.decode(v)) for k, v in doc["$dict"])
        if "$counter" in doc:
            return Counter({_hashable(self.decode(k)): self.decode(v) for k, v in doc["$counter"]})
        if "$set" in doc:
            return {_hashable(self.decode(v)) for v in doc["$set"]}
        if "$bytes" in doc:
            return base64.b64decode(doc["$bytes"])
        if "$tensor" in doc:
            return self._array(doc["$tensor"], want_numpy=False)
        if "$ndarray" in doc:
            return self._array(doc["$ndarray"], want_numpy=True)
        if "$record" in doc:
            fields = {str(k): self.decode(v) for k, v in doc["fields"].items()}
            return Record(str(doc["$record"]), fields)
        if "$handle" in doc:
            return self.on_handle(doc)
        if "$callback" in doc:
            return self.on_callback(doc)
        if "$answered" in doc and self.on_answered is not None:
            table = [(str(key), self.decode(answer)) for key, answer in doc["$answered"]]
            return self.on_answered(str(doc.get("name", "")), table, self.decode(doc["fallback"]))
        raise ChannelError(f"unknown value tag in {sorted(doc)[:3]}")

    def _array(self, name: str, want_numpy: bool) -> Any:
        try:
            value = self.arrays[name]
        except KeyError:
            raise ChannelError(f"frame refers to a missing array {name!r}") from None
        is_numpy = type(value).__module__ == "numpy"
        if want_numpy and not is_numpy:
            return value.numpy()
        if not want_numpy and is_numpy:
            import torch

            return torch.from_numpy(value.copy())
        return value


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (dict, set)):
        raise ChannelError("a dictionary key must be hashable data")
    return value


# --------------------------------------------------------------------------- framing


def pack(message: dict, arrays: dict[str, Any]) -> bytes:
    """Frame a message; ``message["arrays"]`` tells the reader how to load the blob."""
    if arrays:
        message["arrays"] = "torch" if any(k.startswith("t") for k in arrays) else "numpy"
    body = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    blob = dump_arrays(arrays)
    return HEADER.pack(len(body), len(blob)) + body + blob


def unpack(header: bytes, payload: bytes) -> tuple[dict, bytes]:
    json_len, _ = HEADER.unpack(header)
    try:
        message = json.loads(payload[:json_len].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ChannelError(f"frame is not valid JSON: {exc}") from None
    if not isinstance(message, dict) or "op" not in message:
        raise ChannelError("frame is not a message")
    return message, payload[json_len:]


def frame_size(header: bytes, limit: int = MAX_FRAME_BYTES) -> int:
    json_len, blob_len = HEADER.unpack(header)
    if json_len + blob_len > limit:
        raise ChannelError(f"frame of {json_len + blob_len} bytes exceeds the {limit} byte limit")
    return json_len + blob_len


def write_frame(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, size: int) -> bytes:
    """Blocking read used by the student side (the trusted side reads with deadlines)."""
    chunks = bytearray()
    while len(chunks) < size:
        chunk = os.read(fd, min(size - len(chunks), 1 << 20))
        if not chunk:
            raise ChannelError("channel closed")
        chunks += chunk
    return bytes(chunks)


def read_frame_blocking(fd: int) -> tuple[dict, bytes]:
    header = read_exact(fd, HEADER.size)
    payload = read_exact(fd, frame_size(header))
    return unpack(header, payload)
