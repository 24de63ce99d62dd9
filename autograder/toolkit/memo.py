"""Expensive grading work done once per grading process for the same code and seed.

Training a student's model for 25 s of CPU time is most of what grading it costs. When a
later submission graded by the same process runs exactly the same code for that check, and
the check draws the same secret seed, the outcome is the same: :func:`remembered` gives the
stored one. Every real submission gets its own fresh secret seed, so in a cohort nothing
is ever shared between two students; ``validate`` grades a reference and its mutants with
one seed, where a mutant whose mistake lies outside the trained code reuses the reference's
training instead of repeating it.

A key is built from what the grading process knows for itself: the seed and
:func:`code_digest` of the submission's files, read by this process (never a digest the
student process reports). A student process that rewrote its own files would gain
nothing: a stored outcome is reused only under the same secret seed.
"""

from __future__ import annotations

import ast
import collections
import hashlib
from pathlib import Path
from typing import Callable, Hashable, Iterable, TypeVar

T = TypeVar("T")
SIZE = 256
"""Outcomes kept per process (the most recently used): small values, such as a model's
translations of 300 dates or a known mistake's rate."""

_store: collections.OrderedDict[Hashable, object] = collections.OrderedDict()


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for ``key`` before in this process.

    Nothing is stored when ``compute`` raises (a check that failed is run again)."""
    if key in _store:
        _store.move_to_end(key)
        return _store[key]  # type: ignore[return-value]
    value = compute()
    remember(key, value)
    return value


def remember(key: Hashable, value: object) -> None:
    """Store ``value`` for ``key`` (an outcome computed elsewhere: a grading fork's)."""
    _store[key] = value
    _store.move_to_end(key)
    while len(_store) > SIZE:
        _store.popitem(last=False)


def keys() -> set[Hashable]:
    """The keys stored now (to tell later which ones are new: :func:`added_since`)."""
    return set(_store)


def added_since(before: set[Hashable]) -> list[tuple[Hashable, object]]:
    """The entries stored since :func:`keys` returned ``before``, oldest first."""
    return [(key, value) for key, value in _store.items() if key not in before]


def code_digest(workdir: Path, files: Iterable[str], *, ignoring: Iterable[str] = ()) -> str | None:
    """A digest of the code of ``files`` (parsed: comments and layout do not count), with
    the top-level definitions named in ``ignoring`` left out: those a check replaces by
    trusted stand-ins while it runs, and bare strings (docstrings), which run no code. None
    when a file is missing or does not parse."""
    ignored = set(ignoring)
    digest = hashlib.sha256()
    for name in files:
        try:
            tree = ast.parse((Path(workdir) / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return None
        tree.body = [node for node in tree.body if getattr(node, "name", None) not in ignored
                     and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
        digest.update(name.encode() + b"\0" + ast.dump(tree).encode() + b"\0")
    return digest.hexdigest()
