"""Fixtures for the public A2 tests.

``autograder check a2_attention path/to/your/folder`` runs these tests against your
attention.py in a separate, sandboxed process; the grader's ``student`` fixture reaches
your module there (tensors travel as copies, your model stays in that process and is used
through a handle). If you run plain ``pytest`` in your folder instead (without the
autograder installed), your ``attention.py`` next to this ``tests/`` folder is imported
directly.

``overfit`` is ``overfit_helper.py`` loaded next to your code: a tiny training loop has to
run where your model lives (autograd cannot cross the process boundary).
"""

import importlib.util
import pathlib
import sys
import types

import pytest

HERE = pathlib.Path(__file__).resolve().parent


def _local_attention():
    if "attention" not in sys.modules:
        spec = importlib.util.spec_from_file_location("attention", HERE.parent / "attention.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["attention"] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules["attention"]
            raise
    return sys.modules["attention"]


def _student(request):
    try:
        return request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        return None


@pytest.fixture
def attention(request):
    student = _student(request)
    return _local_attention() if student is None else student.module("attention")


@pytest.fixture
def overfit(request):
    source = (HERE / "overfit_helper.py").read_text(encoding="utf-8")
    student = _student(request)
    if student is not None:
        return student.support_module("a2_overfit_helper", source)
    _local_attention()
    module = types.ModuleType("a2_overfit_helper")
    exec(compile(source, str(HERE / "overfit_helper.py"), "exec"), module.__dict__)
    return module


@pytest.fixture
def make_generator(request):
    """torch.Generator().manual_seed(seed), created where your code runs."""
    student = _student(request)
    torch_module = __import__("torch") if student is None else student.module("torch")
    return lambda seed: torch_module.Generator().manual_seed(seed)
