"""Grading an nbgrader course's submissions (``autograder grade ID --nbgrader COURSE``).

nbgrader collects what students hand in as ``COURSE/submitted/<student>/<ID>/*.ipynb``
(with nbgrader's ``timestamp.txt``). Those notebooks are graded here like any other
submission: the code cells become the module (:mod:`autograder.cells`), the hidden graders
run in the trusted process and the student's code in the sandbox, never in a kernel.
The student ids are the folders' names; the submission times are nbgrader's timestamps.

The scores are then written into nbgrader's own gradebook through its API, so formgrader
and ``nbgrader generate_feedback`` show them: each concept's points go to the
autograder-test cell whose grade id is the concept's (the cells ``release --nbgrader``
wrote, :mod:`autograder.nbgrader_source`) as its automatic score, each solution cell gets
an automatic comment with the student-facing feedback of its function's concepts, and a
late penalty goes to nbgrader's own late-penalty field. The assignment must already be in
that gradebook (``nbgrader generate_assignment`` puts it there with its cells).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .extras import require
from .i18n import Translator, english
from .nbgrader_source import concept_grade_id
from .results import GradeResult
from .spec import Assignment

__all__ = ["Collected", "NbgraderError", "collected", "gradebook_url", "ready", "record"]

COMMENT_CHARS = 600
"""At most this much of one failed check's feedback in a comment (formgrader shows comments in full)."""


class NbgraderError(Exception):
    """The course folder or its gradebook cannot take these results: one line for the instructor."""


@dataclass(frozen=True)
class Collected:
    """One student's collected submission."""

    student: str
    path: Path  # the notebook; the student's folder when it holds no single notebook to take
    submitted_at: dt.datetime | None


def collected(course: Path, assignment_id: str) -> list[Collected]:
    """Every ``submitted/<student>/<assignment_id>/`` of the course, by student id."""
    submitted = course / "submitted"
    if not submitted.is_dir():
        raise NbgraderError(f"{course} has no submitted/ folder (collect with `nbgrader collect {assignment_id}`)")
    found = []
    for folder in sorted(p / assignment_id for p in submitted.iterdir() if (p / assignment_id).is_dir()):
        notebooks = sorted(folder.glob("*.ipynb"))
        named = folder / f"{assignment_id}.ipynb"
        path = named if named.is_file() else notebooks[0] if len(notebooks) == 1 else folder
        found.append(Collected(folder.parent.name, path, _timestamp(folder)))
    if not found:
        raise NbgraderError(f"nobody has handed in {assignment_id} in {submitted}")
    return found


def _timestamp(folder: Path) -> dt.datetime | None:
    """nbgrader's ``timestamp.txt`` (UTC), None where it is missing or unreadable."""
    from nbgrader.utils import parse_utc

    stamp = folder / "timestamp.txt"
    try:
        when = parse_utc(stamp.read_text(encoding="utf-8").strip())
    except (OSError, ValueError, TypeError):
        return None
    return when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when


def gradebook_url(course: Path) -> str:
    """The gradebook the course's ``nbgrader_config.py`` names (nbgrader's default
    otherwise: ``gradebook.db`` in the course folder)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config_file = course / "nbgrader_config.py"
    config: Any = None
    if config_file.is_file():
        try:
            config = PyFileConfigLoader(config_file.name, path=str(course)).load_config()
        except Exception as exc:  # a course's config is Python: anything can go wrong in it
            raise NbgraderError(f"{config_file} cannot be read ({type(exc).__name__}: {exc})") from None
    directory = CourseDirectory(config=config) if config is not None else CourseDirectory()
    if not (config is not None and "root" in config.get("CourseDirectory", {})):
        directory.root = str(course.resolve())
    url = directory.db_url
    default = "sqlite:///" + str(Path(directory.root) / "gradebook.db")
    return url if url else default


def _comment(result: GradeResult, tests: Sequence, tr: Translator, due_passed: bool) -> str:
    """What a solution cell's comment says of these tests: a line per concept, then what
    each failed check the student may see says."""
    from .feedback.html import shown_to_students
    from .feedback.text import test_text

    lines = []
    concepts: dict[str, list] = {}
    for test in tests:
        concepts.setdefault(test.concept, []).append(test)
    for members in concepts.values():
        got, total = sum(t.score for t in members), sum(t.max_score for t in members)
        shown = [t for t in members if shown_to_students(t, due_passed)]
        title = tr.text(members[0].concept_title) if shown else tr("a hidden check").capitalize()
        lines.append(f"{'✓' if got >= total - 1e-9 else '✗'} {title}: {got:.3g}/{total:.3g}")
        said = set()
        for test in shown:
            text = test_text(test, tr)[:COMMENT_CHARS] if test.status != "passed" else ""
            if text and text not in said:  # "not checked: the module could not be imported", once
                said.add(text)
                lines.append("  - " + text.replace("\n", "\n    "))
        if got < total - 1e-9 and shown and members[0].lecture:
            lines.append("  " + tr("Review: {lecture}").format(lecture=members[0].lecture))
    return "\n".join(lines)


def record(results: Sequence[GradeResult], assignment: Assignment, course: Path,
           tr: Translator | None = None) -> list[str]:
    """Write ``results`` into the course's nbgrader gradebook; lines for the instructor
    (a concept without its grade cell, points that differ)."""
    require("nbgrader", "grade --nbgrader")
    from nbgrader.api import Gradebook

    from .feedback.html import past_due

    tr = tr or english()
    notes: list[str] = []
    rubric = assignment.rubric()
    grade_ids = {concept.id: concept_grade_id(concept, index) for index, concept in enumerate(rubric.concepts)}
    due_passed = past_due(assignment.due)
    # nbgrader's own add_submission trips SQLAlchemy's autoflush warnings; they are not ours to fix.
    with Gradebook(gradebook_url(course)) as gradebook, warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", message=".*not in session.*")
        notebook = _notebook(gradebook, assignment, course)
        cells = {cell.name: cell for cell in notebook.grade_cells}
        for concept in rubric.concepts:
            cell = cells.get(grade_ids[concept.id])
            if cell is None:
                notes.append(f"nbgrader: no grade cell {grade_ids[concept.id]!r} in {notebook.name}: "
                             f"{concept.id}'s points are not recorded there")
            elif abs((cell.max_score or 0) - concept.points) > 1e-9:
                notes.append(f"nbgrader: grade cell {cell.name!r} is worth {cell.max_score:g}, "
                             f"the rubric's {concept.id} {concept.points:g}")
        solution_cells = [cell.name for cell in notebook.solution_cells]
        for result in results:
            gradebook.update_or_create_student(result.student)
            submitted_at = dt.datetime.fromisoformat(result.submitted_at) if result.submitted_at else None
            kwargs = {"timestamp": submitted_at.astimezone(dt.timezone.utc).replace(tzinfo=None)} if submitted_at else {}
            gradebook.update_or_create_submission(assignment.id, result.student, **kwargs)
            for concept in rubric.concepts:
                if grade_ids[concept.id] not in cells:
                    continue
                grade = gradebook.find_grade(grade_ids[concept.id], notebook.name, assignment.id, result.student)
                grade.auto_score = round(sum(t.score for t in result.tests if t.concept == concept.id), 9)
            _comments(gradebook, result, rubric, notebook.name, solution_cells, tr, due_passed)
            penalty = (result.raw_score - result.score) if result.raw_score is not None else 0.0
            submitted = gradebook.find_submission_notebook(notebook.name, assignment.id, result.student)
            submitted.late_submission_penalty = penalty if penalty > 0 else None
            gradebook.db.commit()
    return notes


def _notebook(gradebook: Any, assignment: Assignment, course: Path) -> Any:
    """The assignment's notebook in nbgrader's gradebook (put there by ``generate_assignment``)."""
    from nbgrader.api import MissingEntry

    try:
        stored = gradebook.find_assignment(assignment.id)
    except MissingEntry:
        raise NbgraderError(f"the nbgrader gradebook has no assignment {assignment.id}: run `nbgrader "
                            f"generate_assignment {assignment.id}` in {course} first") from None
    notebooks = {n.name: n for n in stored.notebooks}
    notebook = notebooks.get(assignment.id) or (next(iter(notebooks.values())) if len(notebooks) == 1 else None)
    if notebook is None:
        raise NbgraderError(f"{assignment.id} in the nbgrader gradebook has notebooks "
                            f"{', '.join(notebooks) or 'none'}; expected {assignment.id}")
    return notebook


def ready(assignment: Assignment, course: Path) -> None:
    """Raise :class:`NbgraderError` unless the course's gradebook can take this assignment's
    scores: checked before a batch is graded, not after."""
    require("nbgrader", "grade --nbgrader")
    from nbgrader.api import Gradebook

    url = gradebook_url(course)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise NbgraderError(f"{course} has no nbgrader gradebook yet: run `nbgrader generate_assignment "
                            f"{assignment.id}` there first")
    with Gradebook(url) as gradebook:
        _notebook(gradebook, assignment, course)


def _comments(gradebook: Any, result: GradeResult, rubric: Any, notebook: str, solution_cells: Sequence[str],
              tr: Translator, due_passed: bool) -> None:
    """Each solution cell (``code_<name>``) gets the feedback of its function's concepts;
    the first also gets what is about the whole submission (a rejection, a crash) and the
    concepts of no function in the notebook."""
    functions = {name.removeprefix("code_"): name for name in solution_cells}
    placed: dict[str, list] = {name: [] for name in solution_cells}
    owner = {concept.id: next((functions[f] for f in concept.functions if f in functions), None)
             for concept in rubric.concepts}
    first = solution_cells[0] if solution_cells else None
    for test in result.tests:
        cell = owner.get(test.concept) or first
        if cell is not None:
            placed[cell].append(test)
    for name in solution_cells:
        text = _comment(result, placed[name], tr, due_passed)
        if name == first and result.output.strip():  # a rejection, an import error: about the whole
            from .feedback.text import output_text

            text = (output_text(result.output, tr) + ("\n\n" + text if text else "")).strip()
        comment = gradebook.find_comment(name, notebook, result.assignment, result.student)
        comment.auto_comment = text or None
