"""Checking from inside Jupyter: the public tests on the notebook's current code.

In a student's notebook ``check("a4_bleu")`` (or ``%autograde a4_bleu`` after
``%load_ext autograder.jupyter``) does what ``autograder check`` does on a handed-in
notebook, without saving it first:

- the code is the notebook's code cells: by default the cells the running kernel has
  executed, in the order they ran (IPython's history, so a cell run again redefines what
  it defined, as it did in the kernel), or the code cells of ``notebook="x.ipynb"``;
- magics and shell escapes are read by IPython's own input transformer, and every
  statement that became a ``get_ipython()`` call is left out (a ``%%bash`` cell whole):
  the module must import outside IPython. So is the notebook's use of the autograder
  itself (``from autograder.jupyter import check``, ``check(...)`` and what was made from
  it), or grading would call grading;
- those cells become a temporary notebook that :mod:`autograder.intake` takes as any
  handed-in notebook, and the public tests run on it in the sandbox, never in the
  student's kernel (a test that hangs or crashes costs the kernel nothing);
- the answer is a :class:`CheckReport`: shown as an HTML table (✓/✗ per test and, for
  a failure, the feedback the student would read in the terminal), as text where there is
  no HTML, in the reader's language (``lang``, ``$AUTOGRADER_LANG``, the locale). It holds
  the :class:`~autograder.results.GradeResult` for scripts.
"""

from __future__ import annotations

import ast
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .i18n import LANGUAGES, Translator, english, translator
from .results import GRADED, GradeResult
from .spec import Assignment, Course

__all__ = ["CheckReport", "check", "clean_cell", "find_assignment", "load_ipython_extension",
           "module_cells", "notebook_cells", "render_html", "render_text"]

TEMPLATES = Path(__file__).resolve().parent / "feedback" / "templates"

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # student output and titles are untrusted text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


# --------------------------------------------------------------------------- the code


def _transform(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _calls_ipython(statement: ast.stmt) -> bool:
    """A simple statement the transformer made from a magic or a shell escape: it calls
    ``get_ipython()`` (``files = !ls`` became ``files = get_ipython().getoutput('ls')``)."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_ipython"
               for node in ast.walk(statement))


def _simple(statement: ast.stmt) -> bool:
    return not any(isinstance(getattr(statement, field, None), list) for field in ("body", "orelse", "finalbody",
                                                                                    "handlers", "cases"))


def _autograder_import(statement: ast.stmt) -> list[str] | None:
    """The names an ``import autograder...`` or ``from autograder... import`` binds; None
    for any other statement."""
    if isinstance(statement, ast.Import) and any(a.name.split(".")[0] == "autograder" for a in statement.names):
        return [(a.asname or a.name).split(".")[0] for a in statement.names]
    if isinstance(statement, ast.ImportFrom) and (statement.module or "").split(".")[0] == "autograder":
        return [a.asname or a.name for a in statement.names]
    return None


def _names(statement: ast.stmt, context: type) -> set[str]:
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


class _Edits:
    """Statements to leave out of a cell, applied to its text.

    Written here because the standard library has no source rewriting that keeps the
    student's own lines (and comments) exactly as written; ``ast.unparse`` would not."""

    def __init__(self, source: str):
        self.lines = source.splitlines(keepends=True)
        self.spans: list[tuple[ast.stmt, bool]] = []

    def drop(self, statement: ast.stmt, keep_block: bool = False) -> None:
        """Leave ``statement`` out; ``keep_block``: it was its block's last statement,
        so ``pass`` stands in for it."""
        self.spans.append((statement, keep_block))

    def apply(self) -> str:
        lines = [line.encode() for line in self.lines]  # ast's columns count UTF-8 bytes
        for statement, keep_block in sorted(self.spans, key=lambda s: (s[0].lineno, s[0].col_offset), reverse=True):
            first, last = statement.lineno - 1, statement.end_lineno - 1  # type: ignore[operator]
            before = lines[first][:statement.col_offset]
            after = lines[last][statement.end_col_offset:]
            if not keep_block and not before.strip() and after.strip() in (b"", b";"):
                del lines[first:last + 1]
            else:
                lines[first:last + 1] = [before + b"pass" + after]
        return b"".join(lines).decode()


def clean_cell(source: str, leave_out: Iterable[str] = ()) -> str:
    """One code cell as plain Python: magics and shell escapes (read by IPython's input
    transformer) left out, a ``%%`` cell magic whole; ``leave_out``: names whose use at
    the top level is left out too (see :func:`module_cells`). A cell that is not valid
    Python is returned transformed, for the sandbox to report its syntax error."""
    return _clean(source, set(leave_out))


def _clean(source: str, tainted: set[str]) -> str:
    """:func:`clean_cell`, adding to ``tainted`` the names this cell binds from left-out
    statements (``report = check(...)``), for the cells after it."""
    if source.lstrip().startswith("%%"):
        return ""
    transformed = _transform(source)
    try:
        tree = ast.parse(transformed)
    except SyntaxError:
        return transformed
    edits = _Edits(transformed)
    kept = []
    for statement in tree.body:
        bound = _autograder_import(statement)
        if bound is not None or (_simple(statement) and _calls_ipython(statement)) \
                or _names(statement, ast.Load) & tainted:
            tainted |= set(bound or ()) | _names(statement, ast.Store)
            edits.drop(statement)
        else:
            kept.append(statement)
    for node in (n for statement in kept for n in ast.walk(statement)):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list) or not block or not isinstance(block[0], ast.stmt):
                continue
            magic = [s for s in block if _simple(s) and _calls_ipython(s)]
            for statement in magic:
                edits.drop(statement, keep_block=len(magic) == len(block) and statement is magic[-1])
    return edits.apply()


def module_cells(cells: Sequence[str]) -> list[str]:
    """The cells as plain Python (:func:`clean_cell`), the autograder's own use left out
    across cells: a name imported from ``autograder`` anywhere, and whatever was assigned
    from it, is left out of the top level of every cell (and of the cells after it)."""
    leave_out: set[str] = set()
    for cell in cells:
        if cell.lstrip().startswith("%%"):
            continue
        try:
            tree = ast.parse(_transform(cell))
        except SyntaxError:
            continue
        for statement in tree.body:
            leave_out |= set(_autograder_import(statement) or ())
    return [_clean(cell, leave_out) for cell in cells]


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
