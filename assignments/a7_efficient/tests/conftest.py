"""Fixtures for the public A7 tests.

``autograder check a7_efficient path/to/your/folder`` runs these tests against your
efficient.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module (tensors travel as copies; your modules stay in that process and are used through
handles). Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``efficient.py`` beside this
``tests/`` folder directly.
"""

import pytest


@pytest.fixture
def efficient(student):
    return student.module("efficient")


@pytest.fixture
def nn(student):
    """torch.nn where your code runs (a layer for SharedLayerEncoder is made there)."""
    return student.module("torch").nn


@pytest.fixture
def make_rng(student):
    """random.Random, created where your code runs (a seeded rng for make_sop_examples)."""
    return student.module("random").Random
