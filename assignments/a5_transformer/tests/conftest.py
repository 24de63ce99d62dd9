"""Fixtures for the public A5 tests.

``autograder check a5_transformer path/to/your/folder`` runs these tests against your
transformer.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module. With plain ``pytest`` in your folder (no autograder installed), the
``transformer.py`` beside this ``tests/`` folder is imported directly instead.
"""

import importlib.util
import pathlib

import pytest


@pytest.fixture
def tf(request):
    try:
        student = request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        path = pathlib.Path(__file__).resolve().parent.parent / "transformer.py"
        spec = importlib.util.spec_from_file_location("transformer", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return student.module("transformer")
