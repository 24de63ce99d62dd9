"""Fixtures for the public A3 tests.

``autograder check a3_decoding path/to/your/folder`` runs these tests against your
decoding.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module (the tests' step functions are called back from your code). Plain ``pytest`` in your
folder works too: the autograder's pytest plugin then gives the same ``student`` fixture,
which imports the ``decoding.py`` beside this ``tests/`` folder directly (ordinary
tracebacks, and a debugger if you like).
"""

import pytest


@pytest.fixture
def dec(student):
    return student.module("decoding")
