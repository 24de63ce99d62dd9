"""Graders collected once per grading process; each submission's test loop in a fork.

Starting pytest (configuration, plugins) and collecting the graders (importing them,
parametrizing) costs ~0.1 s, a fifth of grading a small submission. Here a pytest
session is configured and collected once per grader folder and process, and never run:
each submission is then graded by a fork (:mod:`autograder.forked`) that sets the
grading plugin's student session and seed, runs pytest's test loop over the collected
items and leaves. The collected session in this process stays exactly as collection left
it: no test, no fixture and no student code runs here.

This drives pytest through the steps ``pytest.main`` takes (``_prepareconfig``, the
session start, collection, the test loop), two of which pytest keeps private; when they
are missing (another pytest), :func:`collect` answers None and the caller runs
``pytest.main`` in each fork instead.

A collection is reused while the folder's files are unchanged (names, sizes and
modification times); when they change it is made again, with the folder's modules
imported afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from .remote import StudentSession
from .testing import GradingPlugin
from .toolkit import Mistakes


@dataclasses.dataclass
class Collected:
    """A configured, collected pytest session over one grader folder."""

    signature: tuple
    config: Any
    session: Any
    plugin: GradingPlugin

    @property
    def errors(self) -> list[str]:
        return self.plugin.collection_errors

    def time_limit(self, timeout_for: Callable[[str], float]) -> float:
        """Long enough for every test to use its whole time limit, with room for the
        graders' own work: a session still running after it is stuck in trusted code."""
        items = self.session.items if self.session is not None else []
        return 60.0 + 1.5 * sum(timeout_for(getattr(item, "originalname", item.name)) for item in items)

    def run(self, session: StudentSession, seed: str, timeout_for: Callable[[str], float]) -> GradingPlugin:
        """The test loop over the collected items against ``session`` (in a fork: the
        items' fixtures and the plugin's verdicts are this copy's)."""
        plugin = self.plugin
        plugin.session, plugin.seed, plugin.timeout_for, plugin.verdicts = session, seed, timeout_for, {}
        self.config.hook.pytest_runtestloop(session=self.session)
        return plugin


_COLLECTED: dict[Path, Collected] = {}


def signature(folder: Path) -> tuple:
    """The folder's files as far as a change matters: names, sizes, modification times."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            found.append((os.path.join(root, name), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def collect(test_dir: Path, rootdir: Path, solution_dir: Path | None, args: list[str]) -> Collected | None:
    """This process's collection of ``test_dir`` (made now if it is new or its files
    changed), with the reference loaded; None where pytest cannot be driven this way."""
    folder = test_dir.resolve()
    files = signature(folder)
    known = _COLLECTED.get(folder)
    if known is not None and known.signature == files:
        return known
    if known is not None:
        _unconfigure(known.config)  # the collection this one replaces lets go of its files
    forget_modules(folder)  # new or changed: its modules are imported afresh
    plugin = GradingPlugin(None, "", lambda name: 0.0, solution_dir)  # type: ignore[arg-type]
    sink = io.StringIO()
    try:
        from _pytest.config import _prepareconfig

        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), without_outer_rewriter():
            config = _prepareconfig([str(test_dir), "--rootdir", str(rootdir), *args], [plugin])
            config._do_configure()
            session = pytest.Session.from_config(config)
            config.hook.pytest_sessionstart(session=session)
            config.hook.pytest_collection(session=session)
    except (ImportError, AttributeError, TypeError):
        return None
    except Exception as exc:  # noqa: BLE001 - a conftest that cannot be imported, a usage error
        plugin.collection_errors.append(f"{test_dir}: {type(exc).__name__}: {exc}"[-2000:])
        config = session = None
    collected = Collected(files, config, session, plugin)
    if plugin.collection_errors:  # not kept: the next submission tries again (what failed may be fixed by then),
        forget_modules(folder)    # importing afresh what was left half made
        _COLLECTED.pop(folder, None)
        _unconfigure(config)
        return collected
    _COLLECTED[folder] = collected
    mistakes = Mistakes.of(solution_dir)
    for name in mistakes.sources:
        with contextlib.suppress(Exception):  # a broken reference is reported by the checks that use it
            mistakes.reference(name)
    return collected


def _unconfigure(config: Any) -> None:
    """End a configuration as pytest would, inside the same redirection it started in:
    pytest's capturing puts back the ``sys.stdout`` it found, which was that redirection's."""
    if config is None:
        return
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            contextlib.suppress(Exception):
        config._ensure_unconfigure()


@contextlib.contextmanager
def without_outer_rewriter() -> Iterator[None]:
    """No assertion rewriting of the graders by a pytest session this process runs in (a
    notebook's, a test suite's): pytest imports test modules through ``sys.meta_path``,
    and a rewritten assert would quote grader source in feedback."""
    rewriters = [hook for hook in sys.meta_path if type(hook).__name__ == "AssertionRewritingHook"]
    for hook in rewriters:
        sys.meta_path.remove(hook)
    try:
        yield
    finally:
        sys.meta_path[:0] = rewriters


def forget_modules(folder: Path) -> None:
    """Drop the modules imported from ``folder`` (pytest's importlib mode reuses a module
    already in ``sys.modules``)."""
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and Path(path).resolve().is_relative_to(folder):
            del sys.modules[name]
