"""Feedback in the reader's language: Korean or English, chosen when it is rendered.

Graders, the sandbox and intake write their messages in English, and the gradebook keeps
them so: the language is a property of the reader, not of the attempt, and ``show --lang
ko`` renders last term's attempts in Korean as well as today's. A :class:`Translator`
turns English into the reader's language at render time from gettext catalogues (PO files
read with Babel):

- ``autograder/locale/<lang>.po``: the framework's words (statuses, headings, crash,
  timeout and rejection reasons, the toolkit's descriptions of values);
- ``solutions/<id>/locale/<lang>.po`` beside each assignment's rubric and graders: its
  concept and test titles, its rules, notes and messages, its mistakes' hints.

Two kinds of message:

- words the renderers write, looked up as they are: ``tr("Review:")`` (gettext);
- text that was made at grading time, often by an f-string with values in it
  (``f"a sentence of {n} tokens has {n - 1} bigrams"``). Its catalogue entry is the
  template, its placeholders named after the f-string's expressions
  (``a sentence of {n} tokens has {n - 1} bigrams``), and :meth:`Translator.text` finds
  the template a message was made from, then writes the translation with the same values.
  A value is translated in turn when it is itself a message (a concept title inside a
  note, a description inside a rule). Python's gettext has no reverse formatting; it is
  written here because the messages are stored formatted, and re-running the graders to
  re-format them in another language would cost a whole grading.

A template's literal braces are doubled (``{{``), as in ``str.format``. Where nothing
matches, English is shown and the message is kept in :attr:`Translator.missing`: the
project's tests fail on any, so a visible string without a translation is caught before a
student sees it.
"""

from __future__ import annotations

import functools
import locale
import os
import re
from pathlib import Path
from typing import Iterable

__all__ = ["LANGUAGES", "Translator", "choose_language", "english", "parse_template", "translator"]

LANGUAGES = ("en", "ko")
"""English is the language messages are written in; every other one has catalogues."""
SOURCE = "en"
FRAMEWORK_LOCALE = Path(__file__).resolve().parent / "locale"
MAX_DEPTH = 4
"""How deep values inside values are translated (a title in a note in a rule)."""

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_ENGLISH = re.compile(r"\b[A-Za-z][a-z]+ [a-z]{2,} [a-z]{2,}\b")
"""Three words in a row, the last two lower case, spaced as prose is (``ConcatScore,
attend, dot_score`` is a list of names)."""
_PYTHON_ERROR = re.compile(r"\s*[A-Z]\w*(Error|Exception|Warning|Exit|Interrupt)\b")
_WORDS = re.compile(r"[A-Za-z]{2,}[,;:.]?\s+[A-Za-z]{2,}")
_VALUES = re.compile(r"\b(nan|inf|True|False|None)\b")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`")
_CASE = re.compile(r"^(.*?) (\[[^\[\]]*\])$", re.S)


def choose_language(requested: str | None = None) -> str:
    """``requested`` (``--lang``), else ``$AUTOGRADER_LANG``, else the locale's language
    (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. Anything not in
    :data:`LANGUAGES` is skipped over, so ``LANG=C.UTF-8`` means English."""
    candidates = [requested, os.environ.get("AUTOGRADER_LANG")]
    candidates += [os.environ.get(name) for name in ("LC_ALL", "LC_MESSAGES", "LANG")]
    try:
        candidates.append(locale.getlocale(locale.LC_MESSAGES)[0])
    except (AttributeError, ValueError):  # no LC_MESSAGES on some platforms
        pass
    for value in candidates:
        language = (value or "").split(".")[0].split("_")[0].split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return SOURCE


def parse_template(template: str) -> list[str | tuple[str]]:
    """A template as literal pieces (str) and placeholders (a 1-tuple of the name)."""
    parts: list[str | tuple[str]] = []
    literal, position = "", 0
    for match in _PLACEHOLDER.finditer(template):
        literal += template[position:match.start()]
        position = match.end()
        if match.group(1) is None:
            literal += match.group(0)[0]
            continue
        parts.append(literal)
        literal = ""
        parts.append((match.group(1),))
    parts.append(literal + template[position:])
    return [p for p in parts if p != ""]


def _literal(parts: list[str | tuple[str]]) -> str:
    return "".join(p for p in parts if isinstance(p, str))


class _Template:
    """A catalogue entry with placeholders, compiled to find the values in a message."""

    def __init__(self, msgid: str, msgstr: str):
        self.parts = parse_template(msgid)
        self.names = [p[0] for p in self.parts if isinstance(p, tuple)]
        self.translation = parse_template(msgstr)
        literals = [p for p in self.parts if isinstance(p, str)]
        self.key = max(literals, key=len) if literals else ""
        self.weight = len(_literal(self.parts))
        # A value spans lines only where the template does: a one-line template never
        # claims the lines after it.
        any_ = ".*" if "\n" in msgid else "[^\n]*"
        self.regexes = [re.compile("".join(re.escape(p) if isinstance(p, str) else f"(?P<v{i}>{any_}{lazy})"
                                           for i, p in enumerate(self.parts)) + r"\Z", re.S)
                        for lazy in ("?", "")]
        """The first value as short as can be, then as long: where a literal repeats
        (``{what} {count} of {n} times``) the two differ, and the better reading is kept."""

    @property
    def usable(self) -> bool:
        """A template that pins a message down: enough letters outside its placeholders
        (``{a}: {b}`` would claim any message with a colon)."""
        return sum(c.isalpha() for c in _literal(self.parts)) >= 4

    def values(self, message: str, reading: int = 0) -> dict[str, str] | None:
        if self.key not in message:
            return None
        match = self.regexes[reading].match(message)
        if match is None:
            return None
        values: dict[str, str] = {}
        for i, part in enumerate(self.parts):
            if isinstance(part, tuple):
                values.setdefault(part[0], match.group(f"v{i}"))
        return values


class Catalogue:
    """The translations of one language: exact messages and templates."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()):
        self.exact: dict[str, str] = {}
        self.templates: list[_Template] = []
        self.words: dict[str, str] = {}
        """Every entry as written, for the renderers' own words (``tr("{n} of {total}")``
        is translated, then formatted)."""
        for msgid, msgstr in entries:
            self.add(msgid, msgstr)

    def add(self, msgid: str, msgstr: str) -> None:
        if not msgid or not msgstr:
            return
        self.words[msgid] = msgstr
        # A message is looked up without the spaces around it (they are kept as they were):
        # " with a state that had read {x}" is a piece glued after another.
        msgid, msgstr = msgid.strip(), msgstr.strip()
        parts = parse_template(msgid)
        if any(isinstance(p, tuple) for p in parts):
            template = _Template(msgid, msgstr)
            if template.usable:
                self.templates.append(template)
            return
        self.exact[_literal(parts)] = _literal(parse_template(msgstr))

    @classmethod
    def read(cls, path: Path) -> "Catalogue":
        """A PO file's translated entries (fuzzy ones are not translations yet)."""
        from babel.messages.pofile import read_po

        with open(path, "rb") as handle:
            catalog = read_po(handle)
        return cls((m.id, m.string) for m in catalog if m.id and isinstance(m.id, str) and not m.fuzzy)


@functools.lru_cache(maxsize=64)
def _read(path: str, stamp: float) -> Catalogue:
    return Catalogue.read(Path(path))


def _catalogue(path: Path) -> Catalogue | None:
    try:
        return _read(str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return None


class Translator:
    """Turns the English of messages into one language (for English, changes nothing).

    ``tr(message)`` translates the renderers' own words; ``tr.text(message)`` translates
    text made at grading time (see the module's notes)."""

    def __init__(self, language: str = SOURCE, catalogues: Iterable[Catalogue] = ()):
        self.language = language
        self.catalogues = [c for c in catalogues if c is not None]
        self.templates = sorted((t for c in self.catalogues for t in c.templates), key=lambda t: -t.weight)
        """Every catalogue's templates, the most specific first (an assignment's before the
        framework's where equally specific)."""
        self.missing: set[str] = set()
        """Messages seen with no translation (English was shown)."""
        self._quiet = 0
        """How deep inside data the text being translated is (nothing there is reported)."""
        self._leftovers = 0
        """English left in what was translated, counted to choose between two readings."""

    @property
    def english(self) -> bool:
        return self.language == SOURCE

    def __call__(self, message: str) -> str:
        if self.english or not message:
            return message
        for catalogue in self.catalogues:
            if message in catalogue.words:
                return catalogue.words[message]
        self.missing.add(message)
        return message

    gettext = __call__

    def text(self, message: str) -> str:
        """``message`` in this language: a whole message, one made from a template, or,
        failing that, its paragraphs, lines or clauses (``rule_a + "; " + rule_b``) one by
        one."""
        if self.english or not message or not message.strip():
            return message
        return self._text(message, 0, top=True)

    def value(self, text: str) -> str:
        """What a check observed or expected (``[1, 2]``, ``a list of 3 items``): translated
        when it is a message, else shown as it is; only English prose counts as missing."""
        if self.english or not text or not text.strip():
            return text
        return self._value(text, 0)

    def title(self, name: str) -> str:
        """A test's title, with its case id (``Title [case-3]``) kept as it is."""
        if self.english:
            return name
        match = _CASE.match(name)
        if match and not self._known(name):
            return f"{self.text(match.group(1))} {match.group(2)}"
        return self.text(name)

    def _known(self, message: str) -> bool:
        return any(message in c.exact for c in self.catalogues)

    def _text(self, message: str, depth: int, top: bool = False, report: bool = True) -> str:
        """``report``: whether English prose left here, or anywhere inside it, counts as
        missing (not inside data: a traceback, a table, a quoted value)."""
        if not report:
            self._quiet += 1
            try:
                return self._text(message, depth, top)
            finally:
                self._quiet -= 1
        found = self._whole(message, depth)
        if found is not None:
            return found
        stripped = message.strip()
        lead, trail = message[:len(message) - len(message.lstrip())], message[len(message.rstrip()):]
        found = self._tail(stripped, depth)
        if found is not None:
            return lead + found + trail
        for separator in ("\n\n", "\n", "; "):
            if separator in stripped:
                return lead + self._pieces(stripped.split(separator), separator, depth, top, report) + trail
        english = (top and bool(_WORDS.search(stripped))) or _looks_english(stripped)
        self._leftovers += english
        if english and not self._quiet:
            self.missing.add(stripped)  # a name (test_counts) or a value ([1, 2]) is not missing
        return message

    def _pieces(self, pieces: list[str], separator: str, depth: int, top: bool, report: bool) -> str:
        """Pieces of a message joined by ``separator``, each run of them that is a message
        of its own translated whole (a rule that holds a "; " itself, glued to another by
        "; "; a note of several lines), the rest one by one."""
        out, i = [], 0
        while i < len(pieces):
            for j in range(len(pieces), i + 1, -1):
                found = self._whole(separator.join(pieces[i:j]), depth)
                if found is not None:
                    out.append(found)
                    i = j
                    break
            else:
                out.append(self._text(pieces[i], depth, top, report) if pieces[i].strip() else pieces[i])
                i += 1
        return separator.join(out)

    def _whole(self, message: str, depth: int) -> str | None:
        """``message`` translated as one message (exactly, or from a template), the spaces
        around it kept, or None."""
        stripped = message.strip()
        if not stripped:
            return None
        found = next((c.exact[stripped] for c in self.catalogues if stripped in c.exact), None)
        if found is None:
            found = self._template(stripped, depth)
        if found is None:
            return None
        return message[:len(message) - len(message.lstrip())] + found + message[len(message.rstrip()):]

    def _tail(self, message: str, depth: int) -> str | None:
        """A message that a grader wrote after code (``beam_search(step, ...) made call 2 of
        step ...``, ``f(x)[1] (the weights)``): the code kept, the message after it
        translated. The message must start at a word after a space."""
        for catalogue in self.catalogues:
            for key, value in catalogue.exact.items():
                if len(key.strip()) >= 8 and message.endswith(key) and message != key \
                        and (key[0] == " " or message[:-len(key)].endswith((" ", "("))):
                    return message[:-len(key)] + value
        for space in re.finditer(r"[ (]", message):
            for start in (space.start(), space.end()):
                if start >= len(message) or not (message[start].isalpha() or message[start] == " "):
                    continue
                found = self._template(message[start:], depth, anchored_only=True)
                if found is not None:
                    return message[:start] + found
        return None

    def _template(self, message: str, depth: int, anchored_only: bool = False) -> str | None:
        """The translation of the template ``message`` was made from; ``anchored_only``: of
        a template that starts with words (not with a value, which could be anything)."""
        if depth >= MAX_DEPTH:
            return None
        for template in self.templates:
            if anchored_only and not isinstance(template.parts[0], str):
                continue
            values = template.values(message)
            if values is None:
                continue
            missing, leftovers = set(self.missing), self._leftovers
            text = self._fill(template, values, depth)
            if self._leftovers == leftovers:
                return text
            other = template.values(message, reading=1)
            if other is None or other == values:
                return text
            first = (text, self.missing, self._leftovers)
            self.missing, self._leftovers = set(missing), leftovers
            text = self._fill(template, other, depth)
            if self._leftovers - leftovers < first[2] - leftovers:
                return text
            text, self.missing, self._leftovers = first
            return text
        return None

    def _fill(self, template: _Template, values: dict[str, str], depth: int) -> str:
        return "".join(part if isinstance(part, str) else self._value(values.get(part[0], "{" + part[0] + "}"), depth + 1)
                       for part in template.translation)

    def _value(self, value: str, depth: int) -> str:
        """A value inside a message: translated when it is a message too, else as it is."""
        if not value.strip() or not any(c.isalpha() for c in value):
            return value
        # Python's own words (an exception's message), many lines (a traceback, a table)
        # and quoted or bracketed data are what the code did, not messages to translate.
        stripped = value.strip()
        if len(stripped) > 1 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
            inner = stripped[1:-1]  # 'a test title': translated only if it is one, as it is
            known = next((c.exact[inner] for c in self.catalogues if inner in c.exact), None)
            return value if known is None else value.replace(inner, known, 1)
        data = "\n" in stripped or bool(_PYTHON_ERROR.match(stripped)) or stripped[0] in "[(<{" \
            or "'" in stripped or '"' in stripped
        return self._text(value, depth, report=not data)


def _looks_english(text: str) -> bool:
    """Three English words in a row outside quotes: prose, not a value (``nan, nan, nan``
    or ``True, False, True`` is a value)."""
    return bool(_ENGLISH.search(_VALUES.sub("0", _QUOTED.sub("", text))))


def english() -> Translator:
    return Translator(SOURCE)


def translator(language: str | None = None, solutions: Iterable[Path | None] = ()) -> Translator:
    """A translator into ``language`` (see :func:`choose_language`) from the framework's
    catalogue and those of the assignments whose solutions folders are given."""
    language = choose_language(language)
    if language == SOURCE:
        return english()
    folders = [Path(s) / "locale" for s in solutions if s is not None] + [FRAMEWORK_LOCALE]
    return Translator(language, [_catalogue(folder / f"{language}.po") for folder in folders])
