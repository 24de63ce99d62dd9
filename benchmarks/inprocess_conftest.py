"""The hidden graders' framework fixtures, in-process: the conftest.py of the naive ways.

``benchmarks/compare_peers.py`` copies this file as ``conftest.py`` next to a copy of
``solutions/<id>/graders/`` so that plain ``python -m pytest`` runs the very same grader
files with no sandbox, no second process and no channel: ``student.module("bleu")`` is a
plain import of the student's module in the pytest process.

Where the student's module comes from:

- ``$COMPARE_PEERS_SUBMISSION`` (the naive way): a submission folder, put first on
  ``sys.path``;
- otherwise (inside an nbgrader kernel): a module already registered in ``sys.modules`` by
  the notebook's test cell from the student's code cell.

Only what the graders use is provided: ``student.module``, ``student.support_module``,
``student.workdir`` and the ``rng``, ``record`` and ``mistakes`` fixtures (the reference and
the known mistakes copied beside the graders, run here as in the grading process). Nothing
is limited or isolated: this is the baseline, not a grader.
"""

from __future__ import annotations

import importlib
import os
import random
import sys
import types
from pathlib import Path
from typing import Any, Callable

import pytest

from autograder.toolkit import Mistakes

SUBMISSION_VARIABLE = "COMPARE_PEERS_SUBMISSION"
SEED = "compare-peers"


class InProcessStudent:
    """The part of ``autograder.remote.StudentSession`` that graders call, without a process."""

    def __init__(self, submission: str | None):
        self.workdir = Path(submission or os.getcwd())
        if submission and submission not in sys.path:
            sys.path.insert(0, submission)

    def module(self, name: str) -> types.ModuleType:
        return importlib.import_module(name)

    def support_module(self, name: str, source: str) -> types.ModuleType:
        """Run grader-supplied ``source`` as module ``name``, as the student process does."""
        module = types.ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"<grader support {name}>", "exec"), module.__dict__)
        return module


@pytest.fixture(scope="session")
def student() -> InProcessStudent:
    return InProcessStudent(os.environ.get(SUBMISSION_VARIABLE))


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(f"{SEED}/{request.node.nodeid}")


@pytest.fixture
def record() -> Callable[[str, Any], None]:
    return lambda name, value: None


@pytest.fixture
def mistakes(request: pytest.FixtureRequest) -> Mistakes:
    return Mistakes.of(request.path.parent.parent)  # <id>/graders/test_x.py -> <id>/
