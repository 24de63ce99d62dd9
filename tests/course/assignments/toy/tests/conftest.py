import pytest


@pytest.fixture
def toy(student):
    return student.module("toy")
