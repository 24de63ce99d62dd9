"""Fixtures for the public A1 tests.

``autograder check a1_nmt_preprocessing path/to/your/folder`` runs these tests against your
preprocess.py in a separate, sandboxed process; the grader's ``student`` fixture reaches
your module there. If you run plain ``pytest`` in your folder instead (without the
autograder installed), your ``preprocess.py`` next to this ``tests/`` folder is imported
directly.
"""

import importlib.util
import pathlib

import pytest


@pytest.fixture
def pre(request):
    try:
        student = request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        path = pathlib.Path(__file__).resolve().parent.parent / "preprocess.py"
        spec = importlib.util.spec_from_file_location("preprocess", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return student.module("preprocess")
