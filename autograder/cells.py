"""A notebook's code cells as a module that imports outside IPython.

Used for every notebook the autograder reads: a handed-in ``.ipynb`` (:mod:`autograder.intake`)
and the cells a kernel ran (:func:`autograder.jupyter.check`).

- Magics and shell escapes are read by IPython's own input transformer, and every
  statement that became a ``get_ipython()`` call is left out (a ``%%bash`` cell whole):
  ``files = !ls`` is not Python, and ``get_ipython`` does not exist where the module runs.
- The notebook's use of the autograder itself (``from autograder import check``,
  ``check(...)``, nbgrader test cells that call ``public_tests``, and whatever was made
  from them) is left out too, or grading would call grading.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

__all__ = ["clean_cell", "module_cells"]


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
