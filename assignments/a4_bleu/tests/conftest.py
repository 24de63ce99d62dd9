"""Fixtures for the public A4 tests.

``autograder check a4_bleu path/to/your/folder`` runs these tests against your bleu.py in a
separate, sandboxed process; the grader's ``student`` fixture reaches your module there.
If you run plain ``pytest`` in your folder instead (without the autograder installed),
your ``bleu.py`` next to this ``tests/`` folder is imported directly.
"""

import importlib.util
import pathlib

import pytest


@pytest.fixture
def bleu(request):
    try:
        student = request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        path = pathlib.Path(__file__).resolve().parent.parent / "bleu.py"
        spec = importlib.util.spec_from_file_location("bleu", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return student.module("bleu")
