"""An assignment as an nbgrader *source* notebook (``autograder release ID COURSE --nbgrader``).

``COURSE/source/<id>/<id>.ipynb`` is what an nbgrader instructor writes by hand, made
from the course's own files so the two never drift apart:

- the README as a read-only markdown cell;
- the stub module in its order: its header (docstring, imports, constants) and the code
  it gives as ordinary code cells, then one solution cell per function or class to
  write: the stub's signature and docstring outside nbgrader's solution delimiters, the
  reference's body inside them (a class: one region per method);
- after the last function of each rubric concept, a read-only autograder-test cell worth
  the concept's points, calling :func:`autograder.jupyter.public_tests` with the public
  tests of that concept (they run in the student's kernel, as nbgrader's tests do) and a
  hidden-tests region that says where the hidden graders run: never in the kernel, but
  in ``autograder grade ID --nbgrader COURSE`` (:mod:`autograder.nbgrader_course`). The
  grade cells' ids are the concepts' ids, which is how grading finds them again.

``nbgrader generate_assignment`` then makes the student version: no reference code, no
hidden-tests region. Beside the notebook go the public tests, ``assignment.yaml`` and the
READMEs, which nbgrader releases with it; the stub module does not (the notebook is the
module).

nbgrader replaces a solution region with ``raise NotImplementedError()`` at the
indentation of its first delimiter, so a region must never stand at the top level of a
module or a class: it would raise when the cell runs. The reference's own helpers (and
imports the stub lacks) therefore go *inside* the region of a definition that has one,
after its body and dedented to where they belong: the student version has no trace of
them, and the source still runs as the reference does.
"""

from __future__ import annotations

import ast
import re
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .spec import Assignment, Concept, SpecError

__all__ = ["BEGIN", "END", "HIDDEN_BEGIN", "HIDDEN_END", "concept_grade_id", "release_source", "source_notebook"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SCHEMA_VERSION = 3  # nbgrader's cell metadata format (nbgrader 0.6 and later)


def concept_grade_id(concept: Concept, index: int) -> str:
    """The grade cell's id: the concept's id, which students may see (a hidden concept's
    is only numbered)."""
    return f"hidden_{index + 1}" if concept.visibility == "hidden" else concept.id


def _metadata(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
                            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


# --------------------------------------------------------------------------- the module


def _lines(source: str, first: int, last: int) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of ``source``."""
    return "".join(source.splitlines(keepends=True)[first - 1:last])


def _start(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _docstring_end(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    """The last line of ``node``'s header: its docstring if it has one, else its ``def``."""
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.end_lineno  # type: ignore[return-value]
    return first.lineno - 1


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.stmt]:
    """``node``'s statements after its docstring."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _to_write(node: ast.stmt) -> bool:
    """A definition the student completes: it raises NotImplementedError somewhere."""
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
        isinstance(n, ast.Name) and n.id == "NotImplementedError" for n in ast.walk(node))


def _indent_of(source: str, node: ast.stmt) -> str:
    return re.match(r"[ \t]*", _lines(source, _start(node), _start(node))).group(0)  # type: ignore[union-attr]


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _bound(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


@dataclass
class _Region:
    """One solution region: the student's header outside, the reference's code inside."""

    header: str  # signature and docstring (and any statement the stub and reference share)
    body: str  # the reference's body, at the body's indentation
    indent: str
    extras: list[str] = field(default_factory=list)  # the reference's own helpers, already indented

    def text(self) -> str:
        inside = self.body.rstrip("\n") + "\n"
        for extra in self.extras:
            inside += "\n" + extra.rstrip("\n") + "\n"
        return f"{self.header}{self.indent}{BEGIN}\n{inside}{self.indent}{END}\n"


def _function_region(stub_src: str, stub: ast.stmt, ref_src: str, ref: ast.stmt | None) -> _Region:
    """``def`` of the stub with the reference's body (statements they begin with in common,
    such as ``super().__init__()``, stay outside the region)."""
    assert isinstance(stub, (ast.FunctionDef, ast.AsyncFunctionDef))
    if not isinstance(ref, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise SpecError(f"the reference solution has no {stub.name}() to put in the notebook")
    header_end = _docstring_end(stub)
    stub_body = [s for s in _body(stub) if not (isinstance(s, ast.Raise) and "NotImplementedError" in ast.dump(s))]
    ref_body = _body(ref)
    shared = 0
    while shared < min(len(stub_body), len(ref_body)) and ast.dump(stub_body[shared]) == ast.dump(ref_body[shared]):
        shared += 1
    if shared:
        header_end = stub_body[shared - 1].end_lineno  # type: ignore[assignment]
    header = _lines(stub_src, _start(stub), header_end)
    indent = _indent_of(stub_src, stub.body[0])
    if shared == len(ref_body):
        return _Region(header=header, body=f"{indent}pass\n", indent=indent)
    previous = ref_body[shared - 1].end_lineno if shared else _docstring_end(ref)
    body = _lines(ref_src, previous + 1, ref.end_lineno).lstrip("\n")  # type: ignore[arg-type, operator]
    theirs = _indent_of(ref_src, ref_body[shared])
    if theirs != indent:  # (re-indenting would change multi-line strings: only when it must)
        body = textwrap.indent(textwrap.dedent(body), indent)
    return _Region(header=header, body=body, indent=indent)


@dataclass
class _Cell:
    kind: str  # "code" (given by the stub) or "solution"
    source: str  # a solution cell: what comes before its first region
    name: str = ""  # the definition's name (solution cells)
    regions: list[_Region] = field(default_factory=list)
    tail: str = ""  # code after the last region (a class's given members after its last method)

    def text(self) -> str:
        return self.source + "".join(region.text() for region in self.regions) + self.tail


def _class_cell(stub_src: str, stub: ast.ClassDef, ref_src: str, ref: ast.stmt | None) -> _Cell:
    """A class: the stub's header and given members as they are, a region per method to
    write; the reference's extra methods in the region of the first."""
    if not isinstance(ref, ast.ClassDef):
        raise SpecError(f"the reference solution has no class {stub.name} to put in the notebook")
    methods = (ast.FunctionDef, ast.AsyncFunctionDef)
    ref_members = {m.name: m for m in ref.body if isinstance(m, methods)}
    stub_members = _body(stub)
    cell = _Cell("solution", _lines(stub_src, _start(stub), _docstring_end(stub)), name=stub.name)
    pending, cursor = "", _docstring_end(stub)
    for member in stub_members:
        gap = _lines(stub_src, cursor + 1, _start(member) - 1)
        cursor = member.end_lineno  # type: ignore[assignment]
        if isinstance(member, methods) and _to_write(member):
            region = _function_region(stub_src, member, ref_src, ref_members.get(member.name))
            region.header = pending + gap + region.header
            cell.regions.append(region)
            pending = ""
        else:
            pending += gap + _lines(stub_src, _start(member), member.end_lineno)  # type: ignore[arg-type]
    cell.tail = pending
    if not cell.regions:
        raise SpecError(f"class {stub.name} has no method to write")
    stub_names = {m.name for m in stub_members if isinstance(m, methods)}
    indent = _indent_of(stub_src, next(m for m in stub_members if isinstance(m, methods)))
    for name, member in ref_members.items():
        if name not in stub_names:
            text = textwrap.dedent(_lines(ref_src, _start(member), member.end_lineno))  # type: ignore[arg-type]
            cell.regions[0].extras.append(textwrap.indent(text, indent))
    return cell


def _module_cells(assignment: Assignment) -> list[_Cell]:
    """The stub module as notebook cells, the reference's code in solution regions."""
    if len(assignment.modules) != 1:
        raise SpecError(f"{assignment.id}: an nbgrader notebook holds one module; this assignment has "
                        f"{len(assignment.modules)}")
    module = assignment.modules[0]
    stub_src = (assignment.directory / f"{module}.py").read_text(encoding="utf-8")
    ref_src = (assignment.reference / f"{module}.py").read_text(encoding="utf-8")
    stub_tree, ref_tree = ast.parse(stub_src), ast.parse(ref_src)
    refs = {n.name: n for n in ref_tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    cells: list[_Cell] = []
    given: list[str] = []
    cursor = 0

    def flush() -> None:
        text = "".join(given).strip("\n")
        if text:
            cells.append(_Cell("code", text + "\n"))
        given.clear()

    for node in stub_tree.body:
        gap = _lines(stub_src, cursor + 1, _start(node) - 1)
        cursor = node.end_lineno  # type: ignore[assignment]
        if not _to_write(node):
            given.append(gap + _lines(stub_src, _start(node), node.end_lineno))  # type: ignore[arg-type]
            continue
        flush()
        if isinstance(node, ast.ClassDef):
            cells.append(_class_cell(stub_src, node, ref_src, refs.get(node.name)))
        else:
            region = _function_region(stub_src, node, ref_src, refs.get(node.name))
            cells.append(_Cell("solution", "", name=node.name, regions=[region]))
    flush()
    _place_reference_extras(cells, stub_tree, ref_src, ref_tree)
    return cells


def _main_block(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``, which a kernel would run (its ``__name__`` is ``__main__``)."""
    return isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) and "__name__" in ast.unparse(node.test)


def _place_reference_extras(cells: list[_Cell], stub_tree: ast.Module, ref_src: str, ref_tree: ast.Module) -> None:
    """The reference's top-level code the stub lacks (imports, helpers) goes into a region
    that ends its cell at the top level (a function's, or a class's last with nothing
    after it): imports into the first such cell, a helper into the last such cell at or
    before the first definition that needs it (directly or through another helper)."""
    stub_bound = set().union(*(_bound(n) for n in stub_tree.body))
    stub_dumps = {ast.dump(n) for n in stub_tree.body}
    extras = [n for n in ref_tree.body if ast.dump(n) not in stub_dumps and not (_bound(n) & stub_bound)
              and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)) and not _main_block(n)]
    if not extras:
        return
    solutions = [c for c in cells if c.kind == "solution"]
    eligible = [c for c in solutions if not c.tail.strip()]
    if not eligible:
        raise SpecError("no solution cell can hold the reference solution's helpers")
    ref_defs = {getattr(n, "name", None): n for n in ref_tree.body}
    # Who needs each helper, through other helpers too.
    needs = {id(n): _bound(n) for n in extras}
    changed = True
    while changed:
        changed = False
        for node in extras:
            for other in extras:
                if other is not node and _names_used(other) & needs[id(node)] and not _bound(other) <= needs[id(node)]:
                    needs[id(node)] |= _bound(other)
                    changed = True
    for node in extras:
        target = eligible[0]
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            first = next((i for i, c in enumerate(solutions)
                          if c.name in ref_defs and _names_used(ref_defs[c.name]) & needs[id(node)]), None)
            if first is not None:
                before = [c for c in eligible if solutions.index(c) <= first]
                target = before[-1] if before else eligible[0]
        target.regions[-1].extras.append(_lines(ref_src, _start(node), node.end_lineno))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the tests


def _module_fixtures(tests: Path, module: str) -> set[str]:
    """The fixtures of ``tests/conftest.py`` that return the student's module."""
    conftest = tests / "conftest.py"
    if not conftest.is_file():
        return set()
    found = set()
    for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "module"
                and n.args and isinstance(n.args[0], ast.Constant) and n.args[0].value == module
                for n in ast.walk(node)):
            found.add(node.name)
    return found


def public_test_names(assignment: Assignment) -> list[tuple[str, set[str]]]:
    """Each public test with the student's functions it calls, in file order."""
    found = []
    fixtures = _module_fixtures(assignment.public_tests, assignment.modules[0]) | {"student"}
    for path in sorted(assignment.public_tests.glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                params = {a.arg for a in node.args.args} & fixtures
                called = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                          and isinstance(n.value, ast.Name) and n.value.id in params}
                found.append((node.name, called))
    return found


def _concept_of(called: set[str], concepts: Sequence[Concept]) -> Concept | None:
    """The concept whose functions a test calls: the only one, else the first that has
    all it calls (None for a test of several concepts' functions)."""
    candidates = [c for c in concepts if set(c.functions) & called]
    if len(candidates) > 1:  # several concepts grade one function: the first that covers it
        candidates = [c for c in candidates if called <= set(c.functions)][:1]
    return candidates[0] if len(candidates) == 1 else None


def _test_cell(assignment: Assignment, concept: Concept, title: str, tests: Sequence[str]) -> str:
    points = f"{concept.points:g} point" + ("" if concept.points == 1 else "s")
    lines = [f"# {title}: {points}."]
    if tests:
        lines += ["# Public tests of this part, run on your definitions above in this kernel",
                  "# (the hidden graders check more when your work is graded):",
                  "from autograder.jupyter import public_tests", "",
                  "public_tests(" + ", ".join(repr(t) for t in tests) + ")"]
    else:
        lines += ["# The hidden graders check this part when your work is graded."]
    lines += [HIDDEN_BEGIN,
              f"# Graded outside this kernel by the hidden graders: autograder grade {assignment.id} --nbgrader COURSE_DIR",
              HIDDEN_END]
    return "\n".join(lines) + "\n"


def source_notebook(assignment: Assignment) -> Any:
    """The assignment as an nbgrader source notebook (an ``nbformat`` notebook)."""
    import nbformat

    v4 = nbformat.v4
    rubric = assignment.rubric()
    cells = _module_cells(assignment)
    tests = public_test_names(assignment)
    by_concept: dict[str, list[str]] = {c.id: [] for c in rubric.concepts}
    others = []
    for name, called in tests:
        concept = _concept_of(called, rubric.concepts)
        if concept is None:
            others.append(name)
        else:
            by_concept[concept.id].append(name)
    # Each concept's test cell goes after the last cell of its functions; one that names no
    # function follows the concept before it (rubrics follow the module); one of functions
    # the stub does not have (the reference's helpers) goes at the end.
    position = {c.name: i for i, c in enumerate(cells) if c.kind == "solution"}
    after: dict[int, list[tuple[int, Concept]]] = {}
    where = len(cells)
    for index, concept in enumerate(rubric.concepts):
        where = max((position[f] for f in concept.functions if f in position),
                    default=len(cells) if concept.functions else where)
        after.setdefault(where, []).append((index, concept))

    readme = (assignment.directory / "README.md")
    notebook_cells = [v4.new_markdown_cell(readme.read_text(encoding="utf-8") if readme.is_file() else
                                           f"# {assignment.title}", metadata=_metadata("readme", locked=True))]
    check = f"`from autograder import check; check({assignment.id!r})`"
    notebook_cells.append(v4.new_markdown_cell(
        "Replace each `# YOUR CODE HERE` and the `raise NotImplementedError()` under it with your code. The "
        "read-only cell after each part runs that part's public tests here, in this kernel; "
        f"{check} runs them all in the sandbox, as grading does. Grading also runs hidden tests, outside this "
        "notebook.\n\n"
        "각 `# YOUR CODE HERE`와 그 아래의 `raise NotImplementedError()`를 여러분의 코드로 바꾸세요. 각 부분 뒤의 "
        "읽기 전용 셀은 그 부분의 공개 테스트를 이 커널에서 실행합니다. "
        f"{check}는 채점할 때처럼 샌드박스에서 공개 테스트 전체를 실행합니다. 채점에서는 이 노트북 밖에서 숨겨진 "
        "테스트도 실행합니다. 한국어 설명은 README.ko.md에 있습니다.",
        metadata=_metadata("how_to_check", locked=True)))

    def concept_cells(where: int) -> None:
        for index, concept in after.get(where, []):
            hidden = concept.visibility == "hidden"
            title = "A hidden check" if hidden else concept.title
            notebook_cells.append(v4.new_code_cell(
                _test_cell(assignment, concept, title, [] if hidden else by_concept[concept.id]),
                metadata=_metadata(concept_grade_id(concept, index), grade=True, locked=True, points=concept.points)))

    for where, cell in enumerate(cells):
        if cell.kind == "solution":
            notebook_cells.append(v4.new_code_cell(cell.text().rstrip("\n"),
                                                   metadata=_metadata(f"code_{cell.name}", solution=True)))
        else:
            notebook_cells.append(v4.new_code_cell(cell.text().rstrip("\n")))
        concept_cells(where)
    concept_cells(len(cells))
    if others:
        notebook_cells.append(v4.new_code_cell(
            "# More public tests, across several parts (not graded here; the hidden graders are):\n"
            "from autograder.jupyter import public_tests\n\n"
            "public_tests(" + ", ".join(repr(t) for t in others) + ")",
            metadata=_metadata("more_public_tests", locked=True)))
    notebook = v4.new_notebook(cells=notebook_cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def release_source(assignment: Assignment, course: Path, force: bool = False) -> Path:
    """Write ``course/source/<id>/``: the source notebook and the student folder's other
    files (public tests, READMEs, assignment.yaml; not the stub module). Returns the notebook."""
    import nbformat

    notebook = source_notebook(assignment)  # before touching the disk: a broken spec writes nothing
    dest = course / "source" / assignment.id
    if dest.exists():
        if not force:
            raise FileExistsError(f"{dest} exists (use --force to replace it)")
        shutil.rmtree(dest)
    stubs = set(assignment.files)
    shutil.copytree(assignment.directory, dest, ignore=lambda folder, names: [
        n for n in names if n in ("__pycache__",) or n.endswith(".pyc")
        or (Path(folder) == assignment.directory and n in stubs)])
    path = dest / f"{assignment.id}.ipynb"
    nbformat.validate(notebook)
    nbformat.write(notebook, str(path))
    return path
