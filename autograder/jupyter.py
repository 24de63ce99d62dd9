"""Checking from inside Jupyter: the public tests on the notebook's current code.

In a student's notebook ``check("a4_bleu")`` (or ``%autograde a4_bleu`` after
``%load_ext autograder.jupyter``) does what ``autograder check`` does on a handed-in
notebook, without saving it first:

- the code is the notebook's code cells: by default the cells the running kernel has
  executed, in the order they ran (IPython's history, so a cell run again redefines what
  it defined, as it did in the kernel), or the code cells of ``notebook="x.ipynb"``;
- the cells become plain Python as :mod:`autograder.cells` makes every notebook into a
  module (magics, shell escapes and the notebook's own use of the autograder left out);
- those cells become a temporary notebook that :mod:`autograder.intake` takes as any
  handed-in notebook, and the public tests run on it in the sandbox, never in the
  student's kernel (a test that hangs or crashes costs the kernel nothing);
- the answer is a :class:`CheckReport`: shown as an HTML table (✓/✗ per test and, for
  a failure, the feedback the student would read in the terminal), as text where there is
  no HTML, in the reader's language (``lang``, ``$AUTOGRADER_LANG``, the locale). It holds
  the :class:`~autograder.results.GradeResult` for scripts.

nbgrader's test cells (:mod:`autograder.nbgrader_source`) call :func:`public_tests`
instead: the named public tests, run in the kernel on its own definitions, as nbgrader
runs its tests; a failure raises so the cell and ``nbgrader validate`` show it.
"""

from __future__ import annotations

import ast
import io
import sys
import tempfile
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .cells import clean_cell, module_cells
from .i18n import LANGUAGES, Translator, english, translator
from .public import LocalStudent
from .results import GRADED, GradeResult
from .spec import Assignment, Course

__all__ = ["CheckReport", "check", "clean_cell", "find_assignment", "load_ipython_extension",
           "module_cells", "notebook_cells", "public_tests", "render_html", "render_text"]

TEMPLATES = Path(__file__).resolve().parent / "feedback" / "templates"

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # student output and titles are untrusted text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def notebook_cells(notebook: str | Path | None = None, shell: Any = None) -> list[str]:
    """The source of the code cells: those of ``notebook``, else those the running
    kernel has executed, in order (``In``, IPython's history of this session)."""
    if notebook is not None:
        import nbformat

        read = nbformat.read(str(notebook), as_version=4)
        return [str(c.source) for c in read.cells if c.get("cell_type") == "code"]
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        raise RuntimeError("not running inside IPython or Jupyter: pass notebook='your_notebook.ipynb'")
    return [cell for cell in shell.history_manager.input_hist_raw if cell.strip()]


def find_assignment(name: str) -> Assignment:
    """As ``autograder check`` finds it: a released assignment folder (one with
    assignment.yaml: ``name`` itself, or the notebook's own folder when its id is
    ``name``), else an assignment of the course found by :meth:`Course.locate`."""
    for folder in (Path(name), Path.cwd()):
        if (folder / "assignment.yaml").is_file():
            assignment = Assignment.load(folder.resolve())
            if folder != Path.cwd() or assignment.id == name:
                return assignment
    return Course.locate().assignment(name)


# --------------------------------------------------------------------------- display


def render_html(result: GradeResult, tr: Translator | None = None) -> str:
    """The public tests as an HTML fragment for a notebook's output cell: inline styles
    only (a ``<style>`` would restyle the whole notebook), no scripts, everything escaped."""
    from .feedback.text import output_text, test_text

    tr = tr or english()
    graded = result.status == GRADED
    passed = sum(t.status == "passed" for t in result.tests)
    rows = [{"passed": t.status == "passed", "title": tr.title(t.name),
             "feedback": test_text(t, tr) if t.status != "passed" and t.output else ""} for t in result.tests]
    return _environment.get_template("jupyter_check.html.j2").render(
        tr=tr, lang=tr.language, assignment=result.assignment, graded=graded, rows=rows,
        output=output_text(result.output, tr),
        summary=tr("{passed} of {total} public tests pass.").format(passed=passed, total=len(result.tests)),
        all_pass=graded and passed == len(result.tests),
    )


def render_text(result: GradeResult, tr: Translator | None = None) -> str:
    """What ``autograder check`` prints, as plain text at 80 columns."""
    from rich.console import Console

    from .feedback.terminal import render_check

    buffer = io.StringIO()
    render_check(Console(file=buffer, width=80, color_system=None, force_terminal=False), result, tr)
    return buffer.getvalue()


@dataclass
class CheckReport:
    """A check's answer: Jupyter shows its HTML, a console its text; scripts read
    :attr:`result`."""

    result: GradeResult
    html: str
    text: str

    @property
    def passed(self) -> bool:
        return self.result.status == GRADED and self.result.score == self.result.max_score

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


# --------------------------------------------------------------------------- checking


def check(assignment: str, notebook: str | Path | None = None, lang: str | None = None) -> CheckReport:
    """Run ``assignment``'s public tests in the sandbox on this notebook's code (or on
    ``notebook``'s code cells) and show what passed; ``lang``: ``en`` or ``ko`` (default:
    ``$AUTOGRADER_LANG``, then the locale)."""
    import nbformat

    from .batch import grade_many

    found = find_assignment(assignment)
    cells = module_cells(notebook_cells(notebook))
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as folder:
        name = Path(notebook).stem if notebook is not None else "notebook"
        path = Path(folder) / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), str(path))
        result = grade_many(found, [path], public=True)[0]
    tr = translator(lang, [found.directory])
    return CheckReport(result=result, html=render_html(result, tr), text=render_text(result, tr))


class _NotebookStudent(LocalStudent):
    """``student`` for public tests run in a kernel: the assignment's module is the
    notebook itself (the kernel's namespace); other modules are imported as usual."""

    def __init__(self, folder: Path, modules: Sequence[str], namespace: types.ModuleType):
        super().__init__(folder)
        self.modules, self.namespace = set(modules), namespace

    def module(self, name: str) -> types.ModuleType:
        return self.namespace if name in self.modules else super().module(name)


def _kernel_namespace() -> types.ModuleType:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_module if shell is not None else sys.modules["__main__"]


def public_tests(*names: str, folder: str | Path = ".") -> None:
    """Run the public tests ``names`` (all when none) on this notebook's definitions, in
    this kernel, as nbgrader's test cells do; raise AssertionError when one fails, so the
    cell (and nbgrader's validate) shows it. ``folder``: the assignment's folder (the one
    with ``assignment.yaml`` and ``tests/``), by default the notebook's own.

    Unlike :func:`check` nothing is sandboxed: this is the student's code in the
    student's kernel, with the ordinary pytest output."""
    __tracebackhide__ = True  # IPython shows the failure, not this function's frame
    import pytest

    from .public import LocalFixtures

    home = Path(folder).resolve()
    assignment = Assignment.load(home)
    student = _NotebookStudent(home, assignment.modules, _kernel_namespace())

    failures: list[str] = []

    class Fixtures(LocalFixtures):
        provides_student = True

        @pytest.fixture
        def student(self) -> LocalStudent:
            return student

        def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
            if report.failed:
                crash = getattr(report.longrepr, "reprcrash", None)
                message = crash.message.splitlines()[0] if crash is not None and crash.message else report.outcome
                failures.append(f"{report.nodeid.rsplit('::', 1)[-1]}: {message}")

    files = sorted(assignment.public_tests.glob("test_*.py"))
    if names:
        where = {}
        for path in files:
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.FunctionDef):
                    where.setdefault(node.name, path)
        unknown = [n for n in names if n not in where]
        if unknown:
            raise ValueError(f"no public test named {', '.join(unknown)} in {assignment.public_tests}")
        targets = [f"{where[n]}::{n}" for n in names]
    else:
        targets = [str(path) for path in files]
    code = pytest.main([*targets, "-q", "--tb=short", "--no-header", "-p", "no:cacheprovider",
                        "--import-mode=importlib", "--rootdir", str(home)], plugins=[Fixtures()])
    if code != pytest.ExitCode.OK:
        raise AssertionError("; ".join(failures) or f"the public tests did not run (pytest exit code {int(code)})")


def _magic(line: str) -> CheckReport:
    """%autograde ASSIGNMENT [--notebook PATH] [--lang en|ko]: run the public tests on
    this notebook's code."""
    from IPython.core.error import UsageError
    from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

    @magic_arguments()
    @argument("assignment", help="the assignment's id, or the folder of a released assignment")
    @argument("--notebook", help="check this notebook's code cells instead of the cells run in this kernel")
    @argument("--lang", choices=LANGUAGES, help="the language of the feedback")
    def autograde(line: str) -> None: ...

    args = parse_argstring(autograde, line)
    from .spec import SpecError

    try:
        return check(args.assignment, notebook=args.notebook, lang=args.lang)
    except (SpecError, RuntimeError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from None


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext autograder.jupyter`` registers ``%autograde``."""
    ipython.register_magic_function(_magic, "line", "autograde")
