"""What ``validate`` checks in an assignment's files before it grades anything.

A broken rubric or configuration would fail every submission the same way, so it is
reported once, with the file and the field, and nothing is graded. The rest are rules a
student would otherwise pay for in confusion:

- every test has a docstring: its first line is the title a student reads;
- every ``assert`` has a message: without one the student reads "a check failed";
- no ``TODO`` is left in the instructor's files (``autograder new`` writes them);
- every test matches exactly one concept, every pattern and ``requires`` matches a test;
- the rubric's ``assignment:`` is the assignment's id;
- the stub, the reference and at least one mutant exist; each mutant's ``Loses:`` names
  concepts of the rubric and it has a ``Hint:``.

Test names are read from the source (pytest's default: ``test_*`` functions, also in
``Test*`` classes), so a grader that cannot even be imported is found here too.
"""

from __future__ import annotations

import ast
import dataclasses
import fnmatch
import re
from pathlib import Path

from .mutants import load_all
from .spec import Assignment, Rubric, SpecError

TODO = re.compile(r"\bTODO\b")
TEXT = (".py", ".md", ".yaml", ".yml", ".txt")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One authoring problem: where it is and what to do."""

    path: str
    """The file, relative to the course folder."""
    line: int | None
    message: str
    blocks: bool = False
    """True when grading cannot mean anything until it is fixed (a broken rubric)."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def check(assignment: Assignment) -> list[Problem]:
    """Every problem of the module docstring, blocking ones first."""
    root = assignment.directory.parents[1]
    found: list[Problem] = []

    def add(path: Path, line: int | None, message: str, blocks: bool = False) -> None:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        found.append(Problem(str(shown), line, message, blocks))

    for name in assignment.files:
        if name.endswith(".py") and not (assignment.directory / name).is_file():
            add(assignment.directory / "assignment.yaml", None, f"files: the stub {name} does not exist", True)
    if assignment.solution_dir is None:
        add(root / "solutions" / assignment.id, None, "the instructor's folder does not exist", True)
        return found
    rubric = None
    try:
        rubric = assignment.rubric()
    except SpecError as exc:
        add(assignment.solution_dir / "rubric.yaml", None, _without_path(str(exc)), True)
    tests = _source_checks(assignment.graders, add) if assignment.graders.is_dir() else {}
    if not assignment.graders.is_dir():
        add(assignment.graders, None, "no graders folder", True)
    if assignment.public_tests.is_dir():
        _source_checks(assignment.public_tests, add)
    if rubric is not None:
        _rubric_checks(assignment, rubric, tests, add)
    _solution_checks(assignment, rubric, add)
    return sorted(found, key=lambda p: not p.blocks)


def _without_path(message: str) -> str:
    return message.split(": ", 1)[1] if message.startswith("/") and ": " in message else message


def _source_checks(folder: Path, add) -> dict[str, tuple[Path, int]]:  # type: ignore[no-untyped-def]
    """Docstrings, assert messages and TODOs of every Python file; the tests' names."""
    tests: dict[str, tuple[Path, int]] = {}
    for path in sorted(folder.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source, str(path))
        except SyntaxError as exc:
            add(path, exc.lineno, f"not valid Python: {exc.msg}", True)
            continue
        collected = path.name.startswith("test_") or path.name.endswith("_test.py")
        for node, in_class in _functions(tree):
            if collected and node.name.startswith("test") and (in_class is None or in_class.startswith("Test")):
                tests.setdefault(node.name, (path, node.lineno))
                if not ast.get_docstring(node):
                    add(path, node.lineno, f"{node.name} has no docstring: its first line is the title a student "
                                           "reads (\"Concept: the rule checked\")")
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and node.msg is None:
                add(path, node.lineno, "an assert without a message: the student would read only \"a check "
                                       "failed\"; add one, or use a toolkit check (expect_equal, ...)")
    return tests


def _functions(tree: ast.Module):  # type: ignore[no-untyped-def]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, None
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield item, node.name


def _rubric_checks(assignment: Assignment, rubric: Rubric, tests: dict[str, tuple[Path, int]], add) -> None:  # type: ignore[no-untyped-def]
    path = rubric.path
    if rubric.assignment and rubric.assignment != assignment.id:
        add(path, None, f"assignment: {rubric.assignment!r}, but the assignment's id (assignment.yaml) is "
                        f"{assignment.id!r}")
    for name, (where, line) in tests.items():
        owners = [c.id for c in rubric.concepts if c.matches(name)]
        if len(owners) != 1:
            add(path, None, f"concepts: the test {name} ({where.name}:{line}) must match exactly one concept's tests; "
                            f"it matches {', '.join(owners) or 'none'}", True)
    for concept in rubric.concepts:
        for rule in concept.rules:
            if not any(fnmatch.fnmatchcase(name, rule.pattern) for name in tests):
                add(path, None, f"concepts.{concept.id}.tests: {rule.pattern!r} matches no test", True)
            for pattern in rule.requires:
                if not any(fnmatch.fnmatchcase(name, pattern) for name in tests):
                    add(path, None, f"concepts.{concept.id}: requires {pattern!r}, which matches no test", True)


def _solution_checks(assignment: Assignment, rubric: Rubric | None, add) -> None:  # type: ignore[no-untyped-def]
    solution = assignment.solution_dir
    assert solution is not None, "checked by the caller"
    for name in assignment.files:
        if name.endswith(".py") and not (assignment.reference / name).is_file():
            add(assignment.reference, None, f"the reference {name} does not exist", True)
    for folder in (assignment.directory, solution):
        for path in sorted(folder.rglob("*")):
            if path.suffix in TEXT and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                lines = [n for n, line in enumerate(text.splitlines(), 1) if TODO.search(line)]
                if lines:
                    shown = ", ".join(map(str, lines[:8])) + (", ..." if len(lines) > 8 else "")
                    add(path, None, f"{len(lines)} TODO{'s' if len(lines) > 1 else ''} left (line"
                                    f"{'s' if len(lines) > 1 else ''} {shown})")
    mutants = load_all(assignment.mutants, assignment.files[0]) if assignment.mutants.is_dir() else []
    if not mutants:
        add(assignment.mutants, None, "no mutants: write the mistakes students really make, one file each "
                                      "(validate proves that each loses its concept's points)")
    concepts = {c.id for c in rubric.concepts} if rubric is not None else set()
    for mutant in mutants:
        where = assignment.mutants / f"{mutant.name}.py"
        if not mutant.loses:
            add(where, None, "the docstring has no 'Loses:' line naming the concepts this mistake costs")
        for concept in mutant.loses:
            if rubric is not None and concept not in concepts:
                add(where, None, f"Loses: {concept!r} is not a concept of rubric.yaml "
                                 f"(concepts: {', '.join(sorted(concepts))})")
        if not mutant.hint:
            add(where, None, "the docstring has no 'Hint:' line: what a student who made this mistake reads")
