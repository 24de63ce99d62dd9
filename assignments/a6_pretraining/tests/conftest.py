"""Fixtures for the public A6 tests.

``autograder check a6_pretraining path/to/your/folder`` runs these tests against your
pretraining.py in a separate, sandboxed process; the grader's ``student`` fixture reaches
your module there. If you run plain ``pytest`` in your folder instead (without the
autograder installed), your ``pretraining.py`` next to this ``tests/`` folder is imported
directly.
"""

import importlib.util
import pathlib

import pytest


@pytest.fixture
def pretraining(request):
    try:
        student = request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        path = pathlib.Path(__file__).resolve().parent.parent / "pretraining.py"
        spec = importlib.util.spec_from_file_location("pretraining", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return student.module("pretraining")


@pytest.fixture
def make_rng(request):
    """random.Random, created where your code runs (a seeded rng for make_nsp_examples)."""
    try:
        student = request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        import random
        return random.Random
    return student.module("random").Random
