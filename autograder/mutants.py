"""Mutants: the library of real mistakes, one file each in ``solutions/<id>/mutants/``.

A mutant holds only the definitions a student got wrong; it is appended to the reference
module, so the reference's other functions call the wrong one, as in a real student's
file. Its docstring says what it is::

    \"\"\"Clips an n-gram by its count summed over all references.   <- the mistake, in a line

    Loses: clipping                  <- concepts whose points it must lose (validate checks)
    Hint: the clip limit is the largest count in any ONE reference, not the sum over
      references.                    <- what its student reads when their answer matches it
    Module: bleu.py                  <- which module it changes (default: the only one)
    \"\"\"

``validate`` grades each mutant; the graders' toolkit (:mod:`autograder.toolkit.mistakes`)
runs them in the trusted process to recognise a student's answer as a known mistake.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import shutil
from pathlib import Path

FIELDS = ("Loses", "Hint", "Module")


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One known mistake (the fields of its docstring, and its source)."""

    name: str
    description: str
    loses: tuple[str, ...]
    hint: str
    module: str
    source: str

    @classmethod
    def load(cls, path: Path, default_module: str) -> "Mutant":
        source = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(source)) or ""
        fields: dict[str, list[str]] = {}
        current = None
        for line in doc.splitlines()[1:]:
            key, colon, value = line.partition(":")
            if colon and key.strip() in FIELDS and not line.startswith((" ", "\t")):
                current = key.strip()
                fields[current] = [value.strip()]
            elif current == "Hint" and line.strip():
                fields[current].append(line.strip())  # an indented continuation
            else:
                current = None
        loses = tuple(c.strip() for c in " ".join(fields.get("Loses", [])).split(",") if c.strip())
        return cls(
            name=path.stem,
            description=(doc.splitlines() or [path.stem])[0].strip(),
            loses=loses,
            hint=" ".join(fields.get("Hint", [])),
            module=" ".join(fields.get("Module", [])) or default_module,
            source=source,
        )

    @functools.cached_property
    def redefines(self) -> frozenset[str] | None:
        """The module-level names this mutant binds (its definitions, assignments and
        imports), or None when it also runs other statements at module level (which could
        change anything)."""
        names: set[str] = set()
        for node in ast.parse(self.source).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if not all(isinstance(t, ast.Name) for t in targets):
                    return None
                names.update(t.id for t in targets)
            elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                return None
        return frozenset(names)

    def build(self, reference: Path, dest: Path) -> Path:
        """A submission folder: the reference with this mutant appended to its module."""
        shutil.copytree(reference, dest)
        target = dest / self.module
        target.write_text(target.read_text(encoding="utf-8") + "\n\n" + self.source, encoding="utf-8")
        return dest


def load_all(folder: Path, default_module: str) -> list[Mutant]:
    return [Mutant.load(path, default_module) for path in sorted(folder.glob("*.py"))]
