"""Fixtures for the public A2 tests.

``autograder check a2_attention path/to/your/folder`` runs these tests against your
attention.py in a separate, sandboxed process, where the ``student`` fixture reaches your
module (tensors travel as copies, your model stays in that process and is used through a
handle). Plain ``pytest`` in your folder works too: the autograder's pytest plugin then
gives the same ``student`` fixture, which imports the ``attention.py`` beside this
``tests/`` folder directly.

``overfit`` is ``overfit_helper.py`` loaded next to your code: a tiny training loop has to
run where your model lives (autograd cannot cross the process boundary).
"""

import pathlib

import pytest

HERE = pathlib.Path(__file__).resolve().parent


@pytest.fixture
def attention(student):
    return student.module("attention")


@pytest.fixture
def overfit(student, attention):
    source = (HERE / "overfit_helper.py").read_text(encoding="utf-8")
    return student.support_module("a2_overfit_helper", source)


@pytest.fixture
def make_generator(student):
    """torch.Generator().manual_seed(seed), created where your code runs."""
    torch_module = student.module("torch")
    return lambda seed: torch_module.Generator().manual_seed(seed)
