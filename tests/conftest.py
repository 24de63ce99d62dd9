"""Shared fixtures: the framework's own test course and a helper to grade in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autograder.pipeline import grade
from autograder.spec import Course

# The toy course's graders run inside the framework, not as tests of the framework.
collect_ignore = ["course", "kit_course"]

ROOT = Path(__file__).resolve().parents[1]
TEST_COURSE = Path(__file__).resolve().parent / "course"


@pytest.fixture(scope="session")
def toy():
    return Course(TEST_COURSE).assignment("toy")


@pytest.fixture(scope="session")
def course():
    return Course(ROOT)


@pytest.fixture(scope="session")
def validated(course):
    """``validated(assignment_id)``: ``autograder validate``'s checks of a course assignment
    (reference, variants, stub, do-nothing submissions, every mutant), graded once per test
    session: the assignment tests prove the graders with them, the browser tests render
    their feedback."""
    from autograder.validate import validate

    done: dict[str, list] = {}

    def checks(assignment_id: str) -> list:
        if assignment_id not in done:
            done[assignment_id] = validate(course.assignment(assignment_id), jobs=2)
        return done[assignment_id]

    return checks


@pytest.fixture
def submission(tmp_path):
    """Write a toy submission from source text; returns its folder."""

    def write(source: str, name: str = "student", filename: str = "toy.py") -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_text(textwrap.dedent(source), encoding="utf-8")
        return folder

    return write


REFERENCE_TOY = (TEST_COURSE / "solutions/toy/reference/toy.py").read_text()


@pytest.fixture
def grade_toy(toy):
    def run(folder: Path, **kwargs):
        return grade(toy, folder, **kwargs)

    return run
