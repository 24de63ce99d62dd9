"""nbgrader for real: the source notebook ``release --nbgrader`` writes, nbgrader's own
``generate_assignment`` and ``validate`` on it, and collected notebooks graded into
nbgrader's gradebook."""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import nbformat
import pytest

from autograder.cli import Exit, main
from autograder.jupyter import public_tests
from autograder.nbgrader_source import (
    BEGIN,
    END,
    HIDDEN_BEGIN,
    release_source,
    source_notebook,
)
from autograder.spec import Course

COURSE = Course(Path(__file__).resolve().parents[1])
ALL = COURSE.assignment_ids()


def grading(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def without_docstring(node: ast.AST) -> str:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


def definitions(module: ast.Module) -> dict[str, ast.AST]:
    """Top-level functions and classes, and methods as Class.method."""
    found = {}
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = node
        if isinstance(node, ast.ClassDef):
            found |= {f"{node.name}.{m.name}": m for m in node.body if isinstance(m, ast.FunctionDef)}
    return found


def student_version(notebook):
    """What ``nbgrader generate_assignment`` makes of the notebook, by its own preprocessors."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    notebook = copy.deepcopy(notebook)
    resources = {"language": "python"}
    notebook, resources = ClearSolutions(enforce_metadata=True).preprocess(notebook, resources)
    notebook, resources = ClearHiddenTests(enforce_metadata=True).preprocess(notebook, resources)
    return notebook


def code(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "code" and not grading(c).get("grade")
                       and grading(c).get("grade_id") != "more_public_tests")


@pytest.mark.parametrize("assignment_id", ALL)
def test_source_notebook_holds_the_reference_and_the_rubric(assignment_id):
    assignment = COURSE.assignment(assignment_id)
    notebook = source_notebook(assignment)
    nbformat.validate(notebook)
    # Every definition of the reference is in the notebook's code, with the same body.
    module = ast.parse(code(notebook))
    reference = ast.parse((assignment.reference / assignment.files[0]).read_text())
    mine = definitions(module)
    for name, node in definitions(reference).items():
        if isinstance(node, ast.FunctionDef):
            assert name in mine, f"{assignment_id}: {name} is not in the notebook"
            assert without_docstring(mine[name]) == without_docstring(node), name
    # A grade cell per concept, worth its points.
    rubric = assignment.rubric()
    graded = [grading(c) for c in notebook.cells if grading(c).get("grade")]
    assert [g["points"] for g in graded] == [c.points for c in rubric.concepts] or \
        sorted(g["grade_id"] for g in graded) == sorted(c.id for c in rubric.concepts)
    assert sum(g["points"] for g in graded) == pytest.approx(rubric.max_score)
    assert {g["grade_id"] for g in graded} == {c.id for c in rubric.concepts}
    assert all(grading(c).get("locked") for c in notebook.cells if grading(c).get("grade"))


@pytest.mark.parametrize("assignment_id", ALL)
def test_student_version_has_no_reference_code_and_no_hidden_test(assignment_id):
    assignment = COURSE.assignment(assignment_id)
    notebook = source_notebook(assignment)
    student = student_version(notebook)
    text = "\n".join(c.source for c in student.cells)
    assert BEGIN not in text and END not in text and HIDDEN_BEGIN not in text and "hidden graders:" not in text
    stub_lines = {line.strip() for line in (assignment.directory / assignment.files[0]).read_text().splitlines()}
    reference_only = [line.strip() for line in (assignment.reference / assignment.files[0]).read_text().splitlines()
                      if len(line.strip()) > 25 and line.strip() not in stub_lines and not line.strip().startswith("#")
                      and '"""' not in line]
    assert reference_only, "the reference has code of its own"
    student_lines = {line.strip() for line in text.splitlines()}
    leaked = [line for line in reference_only if line in student_lines]
    assert not leaked, leaked[:3]
    # The student's code runs as the stub does: defines everything, raises only when called.
    namespace: dict = {}
    exec(compile(code(student), f"{assignment_id}.ipynb", "exec"), namespace)  # noqa: S102 - the course's stub
    stub = ast.parse((assignment.directory / assignment.files[0]).read_text())
    assert {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))} <= set(namespace)


def test_public_tests_run_on_a_kernels_namespace(tmp_path, monkeypatch, capsys):
    """What an autograder-test cell does, with a module standing in for the kernel's namespace."""
    assignment = COURSE.assignment("a4_bleu")
    release_source(assignment, tmp_path)
    folder = tmp_path / "source" / "a4_bleu"
    kernel = types.ModuleType("__main__")
    exec(compile((assignment.reference / "bleu.py").read_text(), "notebook", "exec"), kernel.__dict__)  # noqa: S102
    monkeypatch.setitem(sys.modules, "__main__", kernel)
    public_tests("test_ngrams_counts_with_repeats", "test_brevity_penalty", folder=folder)
    assert "2 passed" in capsys.readouterr().out
    kernel.ngrams = lambda tokens, n: {}
    with pytest.raises(AssertionError, match="test_ngrams_counts_with_repeats"):
        public_tests("test_ngrams_counts_with_repeats", folder=folder)
    assert "1 failed" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no public test named test_nothing"):
        public_tests("test_nothing", folder=folder)


def run_nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # nbgrader runs `alembic` to create its gradebook: it is beside this Python.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, timeout=300, check=False)


def hand_in(course: Path, student: str, notebook, stamp: str | None = "2027-03-01 10:00:00.000000 UTC") -> None:
    folder = course / "submitted" / student / "a4_bleu"
    folder.mkdir(parents=True)
    (folder / "a4_bleu.ipynb").write_text(notebook if isinstance(notebook, str) else nbformat.writes(notebook))
    if stamp:
        (folder / "timestamp.txt").write_text(stamp)


def answered(student, source, change=("", "")):
    """The student version with each solution region answered by the source's."""
    done = copy.deepcopy(student)
    for mine, theirs in zip(done.cells, source.cells):
        if grading(mine).get("solution"):
            mine.source = "\n".join(line for line in theirs.source.split("\n")
                                    if BEGIN not in line and END not in line).replace(*change)
    return done


def test_an_nbgrader_course_from_release_to_formgrader(tmp_path, capsys):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(textwrap.dedent("""\
        c = get_config()
        c.CourseDirectory.course_id = "nlp"
        """))
    assert main(["release", "a4_bleu", str(course), "--nbgrader"]) == Exit.OK
    source_path = course / "source" / "a4_bleu" / "a4_bleu.ipynb"
    assert sorted(p.name for p in source_path.parent.iterdir()) == [
        "README.ko.md", "README.md", "a4_bleu.ipynb", "assignment.yaml", "locale", "tests"]
    assert main(["release", "a4_bleu", str(course), "--nbgrader"]) == Exit.USAGE  # no --force: kept

    generated = run_nbgrader(course, "generate_assignment", "a4_bleu")
    assert generated.returncode == 0, generated.stderr[-2000:]
    released = nbformat.read(str(course / "release" / "a4_bleu" / "a4_bleu.ipynb"), as_version=4)
    assert "raise NotImplementedError()" in released.cells[3].source and BEGIN not in released.cells[3].source
    assert not (course / "release" / "a4_bleu" / "bleu.py").exists()
    # nbgrader's validate runs the source in a kernel: every public test cell passes.
    validated = run_nbgrader(course, "validate", str(source_path))
    assert validated.returncode == 0 and "Success! Your notebook passes all the tests." in validated.stdout, \
        validated.stdout[-2000:] + validated.stderr[-2000:]

    source = nbformat.read(str(source_path), as_version=4)
    hand_in(course, "alice", answered(released, source))
    hand_in(course, "bob", released, stamp=None)
    hand_in(course, "carol", answered(released, source, ("range(len(tokens) - n + 1)", "range(len(tokens) - n)")))
    hand_in(course, "dave", "{this is not a notebook")
    capsys.readouterr()
    code = main(["grade", "a4_bleu", "--nbgrader", str(course), "--gradebook", f"sqlite:///{tmp_path / 'ours.db'}"])
    assert code == Exit.REJECTED  # dave's; the others are graded
    printed = capsys.readouterr()
    assert "Recorded in the nbgrader gradebook" in printed.err

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission("a4_bleu", s).score for s in ("alice", "bob", "carol", "dave")}
        assert scores == {"alice": 17, "bob": 0, "carol": 16, "dave": 0}
        carol = gradebook.find_submission_notebook("a4_bleu", "a4_bleu", "carol")
        assert gradebook.find_grade("ngrams", "a4_bleu", "a4_bleu", "carol").auto_score == 0
        assert gradebook.find_grade("clipping", "a4_bleu", "a4_bleu", "carol").auto_score == 2
        comment = gradebook.find_comment("code_ngrams", "a4_bleu", "a4_bleu", "carol").auto_comment
        assert "Counting n-grams: 0/1" in comment and "L - n + 1" in comment
        assert gradebook.find_submission("a4_bleu", "carol").timestamp.isoformat().startswith("2027-03-01T10:00")
        assert carol.late_submission_penalty is None
        dave = gradebook.find_comment("code_ngrams", "a4_bleu", "a4_bleu", "dave").auto_comment
        assert "not a readable Jupyter notebook" in dave


def test_grading_needs_the_assignment_in_nbgraders_gradebook(tmp_path, capsys):
    course = tmp_path / "course"
    hand_in(course, "alice", "{}")
    assert main(["grade", "a4_bleu", "--nbgrader", str(course), "--no-gradebook"]) == Exit.USAGE
    err = capsys.readouterr().err
    assert "nbgrader generate_assignment a4_bleu" in " ".join(err.split())


def test_a_course_without_submissions_says_so(tmp_path, capsys):
    assert main(["grade", "a4_bleu", "--nbgrader", str(tmp_path), "--no-gradebook"]) == Exit.USAGE
    assert "nbgrader collect a4_bleu" in " ".join(capsys.readouterr().err.split())
    assert main(["grade", "a4_bleu", "x.py", "--nbgrader", str(tmp_path), "--no-gradebook"]) == Exit.USAGE
    assert main(["grade", "a4_bleu", "--no-gradebook"]) == Exit.USAGE


def test_source_notebook_reads_as_nbgrader_expects(tmp_path):
    """nbgrader's own metadata checks: every graded or locked cell has a unique id."""
    from nbgrader.nbgraderformat import MetadataValidator

    notebook = source_notebook(COURSE.assignment("a7_efficient"))
    MetadataValidator().validate_nb(notebook)
    ids = [grading(c)["grade_id"] for c in notebook.cells if grading(c)]
    assert len(ids) == len(set(ids))
    assert json.loads(nbformat.writes(notebook))["metadata"]["kernelspec"]["name"] == "python3"


def test_helpers_constants_and_a_main_block_of_the_reference(tmp_path):
    """The reference's own code: a constant and a helper inside a region (gone from the
    student version, defined before use in the source), a class's extra dunder method in a
    method's region, and no ``if __name__ == "__main__":`` (a kernel would run it)."""
    import shutil

    from conftest import TEST_COURSE

    shutil.copytree(TEST_COURSE, tmp_path / "course")
    course = Course(tmp_path / "course")
    stub = course.root / "assignments" / "toy" / "toy.py"
    stub.write_text(stub.read_text() + textwrap.dedent('''

        class Bag:
            """A multiset."""

            def __init__(self, items):
                """Keep the items."""
                self.items = list(items)
                raise NotImplementedError
        '''))
    reference = course.root / "solutions" / "toy" / "reference" / "toy.py"
    reference.write_text(textwrap.dedent('''\
        import math

        LIMIT = 10


        def _checked(factor):
            if factor < 0:
                raise ValueError("factor must be non-negative")
            return min(factor, LIMIT)


        def add(a, b):
            return a + b


        def scale(values, factor):
            return [v * _checked(factor) for v in values]


        def apply_twice(function, x):
            return function(function(x))


        class Bag:
            def __init__(self, items):
                self.items = list(items)
                self.size = math.prod([1])

            def __len__(self):
                return len(self.items)


        if __name__ == "__main__":
            raise SystemExit("never in a kernel")
        '''))
    notebook = source_notebook(course.assignment("toy"))
    source = code(notebook)
    namespace: dict = {}
    exec(compile(source, "toy.ipynb", "exec"), namespace)  # noqa: S102 - the toy's reference
    assert namespace["scale"]([1, 2], 3) == [3, 6] and len(namespace["Bag"]("ab")) == 2
    assert "never in a kernel" not in source
    text = code(student_version(notebook))
    for gone in ("_checked", "LIMIT", "math", "__len__"):
        assert gone not in text, gone
    assert "self.items = list(items)" in text  # shared by the stub and the reference: kept outside
    student: dict = {}
    exec(compile(text, "toy.ipynb", "exec"), student)  # noqa: S102
    with pytest.raises(NotImplementedError):
        student["scale"]([1], 2)
    # The hidden concept's cell is only numbered.
    ids = [grading(c)["grade_id"] for c in notebook.cells if grading(c).get("grade")]
    assert ids == ["addition", "hidden_2", "callbacks"]
    assert "Scaling" not in "\n".join(c.source for c in notebook.cells if grading(c).get("grade"))
