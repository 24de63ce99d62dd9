"""Which messages need a translation, and the PO catalogues that hold them.

A catalogue is a gettext PO file per language (read and written with Babel), kept where
the messages come from, so that releasing an assignment never releases a hidden grader's
words:

- ``autograder/locale/<lang>.po``: the framework's: the words its renderers write
  (``tr("...")`` in Python and in the HTML templates, ``_("...")`` in the pictures,
  ``N_("...")`` where one is kept to be translated later, as a caption), and
  the prose of the modules whose messages are stored with an attempt (:data:`STORED`:
  intake, the sandbox, the toolkit's rules), read like graders.
- ``assignments/<id>/locale/<lang>.po``: the public tests' titles and messages (students
  run them with ``check``; released with the assignment).
- ``solutions/<id>/locale/<lang>.po``: the rubric's concept titles, the graders' test
  titles and every prose string in graders and support code (a grader's rule is an
  ordinary string or f-string: marking hundreds of them would be noise), and each
  mistake's description and hint.

:func:`update` adds what is new (empty, to be translated), keeps every translation and
marks a changed message fuzzy with its old translation as a suggestion (Babel's merge);
:func:`missing` lists what has no translation. ``autograder translations`` does both.
Babel's own Python extractor reads marked calls only, and takes an f-string as no
message at all; this module reads f-strings as templates, which is why it walks the
syntax tree itself.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import re
from pathlib import Path
from typing import Iterator

from .i18n import LANGUAGES, SOURCE
from .mutants import load_all
from .spec import Assignment

__all__ = ["Message", "catalogue_path", "framework_messages", "missing", "public_messages",
           "solution_messages", "update"]

FRAMEWORK = Path(__file__).resolve().parent
MARKERS = {"tr", "_", "N_"}
"""Calls whose first argument is a message, in the framework."""
STORED = ("intake.py", "late_notice.py", "remote.py", "pipeline.py", "results.py", "scoring.py", "testing.py", "runner.py",
          "channel.py", "toolkit/*.py", "sandbox/*.py")
"""Framework modules whose prose is stored with an attempt and shown to its student
(rejection, crash and timeout reasons, the toolkit's rules): read like graders."""
_PROSE = re.compile(r"[A-Za-z]{2,}[\s,;:']*\s[\s,;:']*[A-Za-z]{2,}")
_TEMPLATE_CALL = re.compile(r"""\btr\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
NOT_MESSAGES = {"SpecError", "parametrize", "fixture", "module", "record", "getattr", "hasattr", "setattr", "import_module",
                "compile", "match", "search", "sub", "fullmatch", "split", "findall", "startswith", "endswith",
                "Call", "call", "attribute", "get", "log", "debug", "info", "warning", "error", "exception",
                "remembered"}
"""Calls whose string arguments are names, patterns or log lines, not messages."""
DESCRIBING = {"rule", "says", "observed", "expected", "what", "note", "notes", "wanted"}
"""Keyword arguments whose value is shown to the student, even when it is one word
("returned", "3 examples")."""


@dataclasses.dataclass(frozen=True)
class Message:
    """A message (or template) to translate, and where it was found."""

    id: str
    where: tuple[str, int]


def catalogue_path(folder: Path, language: str) -> Path:
    return folder / "locale" / f"{language}.po"


# -- reading messages out of Python --------------------------------------------------------------


def _template(node: ast.AST, source: str) -> str | None:
    """A string literal as a message: its text with braces doubled, or an f-string with
    each value as ``{its expression}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _constant(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # "the rule: " + detail: a template whose placeholder is the part that is not literal
        left, right = _template(node.left, source), _template(node.right, source)
        if left is None and right is None:
            return None
        return "".join(part if part is not None else "{" + _source_name(side, source) + "}"
                       for part, side in ((left, node.left), (right, node.right)))
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for index, value in enumerate(node.values):
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(value, ast.FormattedValue):
            parts.append("{" + _placeholder(value, source, index) + "}")
    return "".join(parts)


def _constant(text: str) -> str:
    """A plain string as a template: ``{name}`` and ``{}`` stay placeholders (the string
    may be filled in by ``.format`` later; used as it is, the placeholder matches itself),
    any other brace is literal."""
    return re.sub(r"\{\w*\}|[{}]", lambda m: m.group(0) if len(m.group(0)) > 1 else m.group(0) * 2, text)


def _source_name(node: ast.AST, source: str) -> str:
    name = " ".join((ast.get_source_segment(source, node) or "").split())
    return name if name and not set(name) & set("{}") else "value"


def _placeholder(value: ast.FormattedValue, source: str, index: int) -> str:
    name = ast.get_source_segment(source, value.value) or ""
    if value.conversion != -1:
        name += "!" + chr(value.conversion)
    if value.format_spec is not None:
        spec = _template(value.format_spec, source) or ""
        name += ":" + spec
    name = " ".join(name.split())
    return name if name and not set(name) & set("{}") else f"value{index}"


def _pieces(node: ast.AST) -> set[int]:
    """The nodes a template is made of: its literal parts and the strings added to it (not
    what its placeholders compute, which may hold messages of their own)."""
    found = {id(node)}
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant):
                found.add(id(value))
            elif isinstance(value, ast.FormattedValue) and value.format_spec is not None:
                found |= _pieces(value.format_spec)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            if isinstance(side, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                found |= _pieces(side)
    return found


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """Strings standing alone as statements: docstrings of modules, classes, functions and
    attributes (for the reader of the code, not the student)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _test_titles(tree: ast.AST, where: str) -> Iterator[Message]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            doc = (ast.get_docstring(node, clean=False) or "").strip()
            if doc:
                yield Message(doc.splitlines()[0].replace("{", "{{").replace("}", "}}"), (where, node.lineno))


def prose(path: Path, root: Path) -> list[Message]:
    """Every message in an assignment's Python file: test titles, and each string or
    f-string with words in it that is not a docstring, a name or a pattern."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    where = str(path.relative_to(root))
    docstrings = _docstring_nodes(tree)
    skipped: set[int] = set(docstrings)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in NOT_MESSAGES:
            skipped.update(id(n) for arg in node.args for n in ast.walk(arg))
        if isinstance(node, (ast.JoinedStr, ast.BinOp)) and id(node) not in skipped \
                and _template(node, source) is not None:
            skipped.update(_pieces(node) - {id(node)})  # its literal pieces are not messages of their own
        if isinstance(node, (ast.Subscript, ast.Compare)):
            skipped.update(id(n) for n in ast.walk(node.slice if isinstance(node, ast.Subscript) else node))
        if isinstance(node, ast.Dict):
            skipped.update(id(n) for key in node.keys if key is not None for n in ast.walk(key))
    described = {id(keyword.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                 for keyword in node.keywords if keyword.arg in DESCRIBING}
    described |= {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call) and "fail" in _callee(node)
                  for arg in node.args}  # fail(rule, call, observed, expected): every one shown
    for node in ast.walk(tree):  # words chosen inside a placeholder: {'always' if x else 'never'}
        if isinstance(node, ast.IfExp):
            choices = [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            choices = node.values
        else:
            continue
        for choice in choices:
            if isinstance(choice, (ast.Constant, ast.JoinedStr)):
                skipped.discard(id(choice))
                described.add(id(choice))
    messages = list(_test_titles(tree, where))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        text = _template(node, source)
        words = re.sub(r"\{[^{}]*\}", " ", text or "")
        if text and (_PROSE.search(words) or (id(node) in described and re.search(r"[A-Za-z]{3,}", words))):
            messages.append(Message(text, (where, getattr(node, "lineno", 0))))
    return messages


def marked(path: Path, root: Path) -> list[Message]:
    """The first argument of every ``tr``/``_``/``N_`` call in a framework file."""
    source = path.read_text(encoding="utf-8")
    where = str(path.relative_to(root))
    messages = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _callee(node) in MARKERS and node.args:
            first = node.args[0]
            # tr("{n} of {total}").format(...): the literal is the template, braces and all
            text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                else _template(first, source)
            if text:
                messages.append(Message(text, (where, node.lineno)))
    return messages


def framework_messages() -> list[Message]:
    """The framework's messages: marked calls in its Python and its HTML templates."""
    root = FRAMEWORK.parent
    messages = [m for path in sorted(FRAMEWORK.rglob("*.py")) for m in marked(path, root)]
    messages += [m for pattern in STORED for path in sorted(FRAMEWORK.glob(pattern)) for m in prose(path, root)]
    for path in sorted(FRAMEWORK.rglob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in _TEMPLATE_CALL.finditer(line):
                text = match.group(1) if match.group(1) is not None else match.group(2)
                messages.append(Message(text.encode().decode("unicode_escape").replace("{", "{{").replace("}", "}}")
                                        if "\\" in text else text, (str(path.relative_to(root)), number)))
    return messages


def public_messages(assignment: Assignment) -> list[Message]:
    """What ``check`` shows of an assignment: its public tests' titles and messages."""
    root = assignment.directory
    return [m for path in sorted(assignment.public_tests.rglob("*.py")) for m in prose(path, root)]


def solution_messages(assignment: Assignment) -> list[Message]:
    """What grading shows of an assignment: concept titles, graders' and support code's
    messages, the mistakes' descriptions and hints."""
    folder = assignment.solution_dir
    if folder is None:
        return []
    rubric = assignment.rubric()
    messages = [Message(c.title, ("rubric.yaml", 1)) for c in rubric.concepts]
    for sub in ("graders", "support"):
        messages += [m for path in sorted((folder / sub).rglob("*.py")) for m in prose(path, folder)]
    for mutant in load_all(folder / "mutants", ""):
        where = (f"mutants/{mutant.name}.py", 1)
        messages += [Message(mutant.description, where)] + ([Message(mutant.hint, where)] if mutant.hint else [])
    return messages


# -- catalogues ----------------------------------------------------------------------------------


def _unique(messages: list[Message]) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for message in messages:
        found.setdefault(message.id, []).append(message.where)
    return found


def update(folder: Path, messages: list[Message], language: str, project: str) -> tuple[int, int]:
    """Bring ``folder/locale/<language>.po`` up to date with ``messages``: (new messages,
    messages that no longer exist). Translations are kept; a message whose English changed
    a little keeps its old translation as a fuzzy suggestion (not shown until reviewed)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    if language == SOURCE or language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r}: messages are written in English")
    template = Catalog(project=project, fuzzy=False)
    for text, places in _unique(messages).items():
        entry = template.add(text, locations=places)
        entry.flags = {"python-brace-format"} if "{" in text else set()  # never %-formatted
    path = catalogue_path(folder, language)
    if path.exists():
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language)
        before = {m.id for m in catalog if m.id}
        if before == {m.id for m in template if m.id} and all(
                sorted(catalog[m].locations) == sorted(template[m].locations) for m in before):
            return 0, 0  # nothing moved: the file is left as it is (a translator may be editing it)
        catalog.update(template, update_header_comment=False)
        catalog.obsolete.clear()
        removed = len(before - {m.id for m in catalog if m.id})
    else:
        catalog = Catalog(locale=language, project=project, fuzzy=False)
        for message in template:
            if message.id:
                catalog.add(message.id, locations=message.locations, flags=message.flags)
        before, removed = set(), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()  # written whole, then moved into place: a failure leaves the old file
    write_po(buffer, catalog, width=100, sort_by_file=True, omit_header=False, include_previous=True)
    partial = path.with_suffix(".po.partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
    return len({m.id for m in catalog if m.id} - before), removed


def missing(folder: Path, messages: list[Message], language: str) -> list[Message]:
    """``messages`` with no translation in ``folder``'s catalogue (or only a fuzzy one)."""
    from babel.messages.pofile import read_po

    path = catalogue_path(folder, language)
    translated: set[str] = set()
    if path.exists():
        with open(path, "rb") as handle:
            translated = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    seen: set[str] = set()
    result = []
    for message in messages:
        if message.id not in translated and message.id not in seen:
            seen.add(message.id)
            result.append(message)
    return result


def problems(folder: Path, language: str) -> list[str]:
    """Translations that would show wrong: a placeholder of the English missing from the
    translation or one it does not have (its value would be lost, or ``{x}`` shown)."""
    from babel.messages.pofile import read_po

    from .i18n import parse_template

    path = catalogue_path(folder, language)
    if not path.exists():
        return []
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        wanted = {p[0] for p in parse_template(message.id) if isinstance(p, tuple)}
        got = {p[0] for p in parse_template(message.string) if isinstance(p, tuple)}
        if wanted != got:
            where = message.locations[0] if message.locations else ("?", 0)
            lost, extra = sorted(wanted - got), sorted(got - wanted)
            found.append(f"{path}: {where[0]}:{where[1]}: {message.id[:60]!r}: "
                         + "; ".join(filter(None, [f"lost {{{', '.join(lost)}}}" if lost else "",
                                                   f"unknown {{{', '.join(extra)}}}" if extra else ""])))
    return found
