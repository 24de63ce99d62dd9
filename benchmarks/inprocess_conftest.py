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

Only what the A1-A6 graders use is provided: ``student.module``, ``student.support_module``
and the ``rng`` and ``record`` fixtures. Nothing is limited or isolated: this is the
baseline, not a grader.
"""

from __future__ import annotations

import importlib
import os
import random
import sys
import types
from typing import Any, Callable

import pytest

SUBMISSION_VARIABLE = "COMPARE_PEERS_SUBMISSION"
SEED = "compare-peers"


class InProcessStudent:
    """The part of ``autograder.remote.StudentSession`` that graders call, without a process."""

    def __init__(self, submission: str | None):
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
