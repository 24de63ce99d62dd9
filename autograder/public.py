"""The public tests' fixtures under plain ``pytest``: one test file, two runners, no conftest.

Public tests (``assignments/<id>/tests/``) use the same fixtures as hidden graders:
``student`` (``student.module("bleu")``), ``rng``, ``record`` and ``mistakes``.

- Under ``autograder check`` the grading plugin (:mod:`autograder.testing`) gives them:
  the student's code runs in the sandboxed process.
- Under plain ``pytest`` in the student's folder this plugin gives them (pytest loads it
  by itself wherever this package is installed: the ``pytest11`` entry point):
  ``student.module("bleu")`` imports ``bleu.py`` from the folder that holds ``tests/``,
  ``student.support_module(name, source)`` runs a grader-supplied helper next to it,
  ``rng`` is a ``random.Random`` seeded by the test's name, ``record`` keeps nothing and
  ``mistakes`` knows no mistakes. Students get tracebacks and a debugger as usual.

It stays out of the way of the grading plugin (it registers nothing when that one is
there) and imports nothing heavy: it is loaded by every pytest session on the machine.
"""

from __future__ import annotations

import importlib
import random
import sys
import types
from pathlib import Path
from typing import Any, Callable

import pytest


class LocalStudent:
    """``student`` for plain pytest: the student's modules imported in this process."""

    def __init__(self, folder: Path):
        self.folder = folder

    def module(self, name: str) -> types.ModuleType:
        folder = str(self.folder)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        return importlib.import_module(name)

    def support_module(self, name: str, source: str) -> types.ModuleType:
        module = types.ModuleType(name)
        sys.modules[name] = module  # as in the student process: dataclasses look it up
        exec(compile(source, name, "exec"), module.__dict__)  # noqa: S102 - the course's own helper
        return module


class LocalFixtures:
    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> LocalStudent:
        tests = Path(str(request.path)).resolve().parent
        return LocalStudent(tests.parent if tests.name == "tests" else tests)

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> random.Random:
        return random.Random(request.node.nodeid)

    @pytest.fixture
    def record(self) -> Callable[[str, Any], None]:
        return lambda name, value: None

    @pytest.fixture
    def mistakes(self) -> Any:
        from .toolkit import Mistakes

        return Mistakes(None)


def pytest_configure(config: pytest.Config) -> None:
    if not any(getattr(plugin, "provides_student", False) for plugin in config.pluginmanager.get_plugins()):
        config.pluginmanager.register(LocalFixtures(), "autograder-local-student")
