"""Fixtures for the public A6 tests.

``autograder check a6_pretraining path/to/your/folder`` runs these tests against your
pretraining.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module. Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``pretraining.py`` beside this ``tests/``
folder directly (ordinary tracebacks, and a debugger if you like).
"""

import pytest


@pytest.fixture
def pretraining(student):
    return student.module("pretraining")


@pytest.fixture
def make_rng(student):
    """random.Random, created where your code runs (a seeded rng for make_nsp_examples)."""
    return student.module("random").Random
