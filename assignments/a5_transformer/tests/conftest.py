"""Fixtures for the public A5 tests.

``autograder check a5_transformer path/to/your/folder`` runs these tests against your
transformer.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module. Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``transformer.py`` beside this ``tests/``
folder directly (ordinary tracebacks, and a debugger if you like).
"""

import pytest


@pytest.fixture
def tf(student):
    return student.module("transformer")
