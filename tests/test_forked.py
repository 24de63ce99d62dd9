"""Each submission is graded by a fork of the grading process: nothing crosses to the next.

A copy of the toy course gets graders that try the ways a grader could carry something from
one submission to the next: a module global holding a student's answer, interpreter-wide
settings (torch's default dtype, the environment, ``sys.path``, an attribute on a framework
module). Two different submissions graded one after the other by the same process each see
a fresh start, and the grading process itself is left as it was. What is meant to cross
does: ``toolkit.memo`` entries, the log, the libraries a grader imported. The same graders
run in-process do leak (so these tests can fail), and a fork that dies costs its
submission an ``error`` row, not the batch.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys

import pytest
import torch

from autograder import forked
from autograder.pipeline import grade
from autograder.spec import Course
from autograder.toolkit import memo

from conftest import REFERENCE_TOY, TEST_COURSE

LEAKY_GRADERS = '''
import logging
import os
import sys

import torch

from autograder.toolkit import memo

SEEN = []


def test_leak_global(toy, record):
    """leaks: a module global keeps what a student's code returned"""
    SEEN.append(toy.add(1, 2))
    record("seen", list(SEEN))


def test_leak_interpreter(toy, record):
    """leaks: interpreter-wide settings"""
    record("found", {"dtype": str(torch.get_default_dtype()), "env": os.environ.get("TOY_LEAK"),
                     "path": "toy-leak" in sys.path, "attribute": hasattr(memo, "toy_leak")})
    torch.set_default_dtype(torch.float64)
    os.environ["TOY_LEAK"] = "1"
    sys.path.append("toy-leak")
    memo.toy_leak = True


def test_kept(toy, record, rng):
    """kept: trusted work remembered, a library imported, a line logged"""
    import tabnanny  # noqa: F401  (a standard module nothing else here imports)

    record("computed_in", memo.remembered(("toy-fork", rng.random()), os.getpid))  # one key per seed
    memo.remembered(("toy-unpicklable", rng.random()), lambda: lambda: 1)  # stays in its fork
    record("graded_in", os.getpid())
    logging.getLogger("toy.graders").warning("graded in %s", os.getpid())
'''

DIES = '''
import os
import signal


def test_the_grader_dies(toy):
    """dies: the grading fork is killed"""
    if os.environ.get("TOY_DIE"):
        os.kill(os.getpid(), signal.SIGKILL)
'''

RUBRIC = "  leaks:\n    title: Leaks\n    points: 3\n    tests: [test_leak_*, test_kept, test_the_grader_dies]\n"


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(TEST_COURSE, root, dirs_exist_ok=True)
    graders = root / "solutions/toy/graders"
    (graders / "test_leaks.py").write_text(LEAKY_GRADERS)
    (graders / "test_dies.py").write_text(DIES)
    rubric = root / "solutions/toy/rubric.yaml"
    rubric.write_text(rubric.read_text() + RUBRIC)
    return Course(root).assignment("toy")


@pytest.fixture
def two(submission):
    """Two submissions whose add answers differently (3 and -1 for add(1, 2))."""
    return submission(REFERENCE_TOY, name="right"), submission(REFERENCE_TOY.replace("a + b", "a - b"), name="wrong")


def data(result, test_name):
    return next(t.data for t in result.tests if t.test.endswith("::" + test_name))


def test_nothing_one_submission_leaves_reaches_the_next(leaky, two):
    first, second = (grade(leaky, folder, seed="same") for folder in two)
    assert data(first, "test_leak_global")["seen"] == [3]
    assert data(second, "test_leak_global")["seen"] == [-1]  # not [3, -1]
    fresh = {"dtype": "torch.float32", "env": None, "path": False, "attribute": False}
    assert data(first, "test_leak_interpreter")["found"] == fresh
    assert data(second, "test_leak_interpreter")["found"] == fresh


def test_the_grading_process_is_left_as_it_was(leaky, two):
    for folder in two:
        grade(leaky, folder)
    assert torch.get_default_dtype() == torch.float32
    assert "TOY_LEAK" not in os.environ and "toy-leak" not in sys.path
    graders = [m for name, m in sys.modules.items() if name.endswith("graders.test_leaks")]
    assert graders and all(m.SEEN == [] for m in graders)  # imported here once, never run here


def test_what_is_meant_to_cross_does(leaky, two, caplog, monkeypatch):
    sys.modules.pop("tabnanny", None)
    monkeypatch.setattr(forked, "_WARNED", set())  # said once per process: maybe already, by an earlier test
    with caplog.at_level(logging.WARNING):
        first, second = (grade(leaky, folder, seed="kept") for folder in two)
    kept = data(first, "test_kept"), data(second, "test_kept")
    assert kept[0]["graded_in"] != kept[1]["graded_in"] != os.getpid()  # two forks
    assert kept[1]["computed_in"] == kept[0]["computed_in"] == kept[0]["graded_in"]  # the memo came back
    assert "tabnanny" in sys.modules  # the next fork starts with it
    logged = [r.getMessage() for r in caplog.records if r.name == "toy.graders"]
    assert logged == [f"graded in {kept[0]['graded_in']}", f"graded in {kept[1]['graded_in']}"]
    unsent = [r.getMessage() for r in caplog.records if "could not be sent back" in r.getMessage()]
    assert len(unsent) == 1 and "'toy-unpicklable'" in unsent[0]  # said once, naming the entries


def test_in_process_the_same_graders_do_leak(leaky, two, monkeypatch):
    """The check above can fail: without the fork, the global and the settings cross."""
    monkeypatch.setattr(forked, "ENABLED", False)
    monkeypatch.delenv("TOY_LEAK", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        first, second = (grade(leaky, folder) for folder in two)
        assert data(second, "test_leak_global")["seen"][-2:] == [3, -1]
        assert data(second, "test_leak_interpreter")["found"]["dtype"] == "torch.float64"
    finally:
        torch.set_default_dtype(torch.float32)
        vars(memo).pop("toy_leak", None)
        for name, module in sys.modules.items():
            if name.endswith("graders.test_leaks"):
                module.SEEN.clear()


def test_a_fork_that_dies_is_an_error_row_and_grading_goes_on(leaky, two, monkeypatch):
    monkeypatch.setenv("TOY_DIE", "1")
    died = grade(leaky, two[0])
    assert died.status == "error" and "not your fault" in died.output
    assert "ended without a result" in died.output
    monkeypatch.delenv("TOY_DIE")
    after = grade(leaky, two[1])
    assert after.status == "graded" and data(after, "test_leak_global")["seen"] == [-1]
    assert after.sandbox["warm"] == died.sandbox["warm"]


COUNTED = '''
import os

with open(os.environ["TOY_IMPORTS"], "a") as log:
    log.write("imported\\n")


def test_counted(toy):
    """counted: add(1, 1)"""
    assert toy.add(1, 1) == 2, "add(1, 1) is 2"
'''


def test_the_graders_are_collected_once_and_again_when_they_change(tmp_path, two, monkeypatch):
    root = tmp_path / "course"
    shutil.copytree(TEST_COURSE, root)
    graders = root / "solutions/toy/graders"
    (graders / "test_counted.py").write_text(COUNTED)
    rubric = root / "solutions/toy/rubric.yaml"
    rubric.write_text(rubric.read_text() + "  counted:\n    title: Counted\n    points: 1\n    tests: [test_counted*]\n")
    imports = tmp_path / "imports.txt"
    monkeypatch.setenv("TOY_IMPORTS", str(imports))
    toy = Course(root).assignment("toy")
    results = [grade(toy, folder) for folder in two]
    assert imports.read_text().count("imported") == 1  # collected once, in this process
    assert all(any(t.test.endswith("::test_counted") for t in r.tests) for r in results)
    (graders / "test_counted.py").write_text(COUNTED + COUNTED.split("\n\n\n")[1].replace("test_counted", "test_counted_again"))
    again = grade(toy, two[0])
    assert imports.read_text().count("imported") == 2  # the changed file was collected again
    assert {t.test.split("::")[-1] for t in again.tests} >= {"test_counted", "test_counted_again"}


def test_a_fork_past_its_time_limit_is_killed_and_its_errors_come_back_whole():
    import time

    from autograder.runner import GraderError

    started = time.monotonic()
    with pytest.raises(forked.ForkLost, match="still running after 1 s"):
        forked.call(lambda: time.sleep(30), timeout=1.0)
    assert time.monotonic() - started < 10

    def broken():
        raise GraderError("the graders could not be collected", "test_x.py: ImportError")

    with pytest.raises(GraderError) as raised:
        forked.call(broken)
    assert raised.value.details == "test_x.py: ImportError"  # what only the instructor's log shows
    assert forked.call(lambda: os.getpid()) != os.getpid()
