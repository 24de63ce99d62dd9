"""Fixtures for the public A4 tests.

``autograder check a4_bleu path/to/your/folder`` runs these tests against your
bleu.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module. Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``bleu.py`` beside this ``tests/``
folder directly (ordinary tracebacks, and a debugger if you like).
"""

import pytest


@pytest.fixture
def bleu(student):
    return student.module("bleu")
