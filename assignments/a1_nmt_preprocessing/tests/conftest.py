"""Fixtures for the public A1 tests.

``autograder check a1_nmt_preprocessing path/to/your/folder`` runs these tests against your
preprocess.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module. Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``preprocess.py`` beside this ``tests/``
folder directly (ordinary tracebacks, and a debugger if you like).
"""

import pytest


@pytest.fixture
def pre(student):
    return student.module("preprocess")
