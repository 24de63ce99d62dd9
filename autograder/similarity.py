"""Which submissions share unusual code: pairs ranked for a human to read, never a verdict.

``autograder similarity ASSIGNMENT SUBMISSION...`` takes submissions in every shape
``grade`` accepts, extracts their module files with :mod:`.intake` (a submission intake
refuses is listed as skipped, with the reason) and compares every pair of students file by
file with copydetect: code is tokenised (names become ``V``/``F``/``O``, strings ``S``,
comments and spaces go), so renamed variables and moved functions do not hide a copy, and
every k-gram of what is left is fingerprinted. The assignment's stub modules are
boilerplate: code that only repeats the stub is never shared.

Two students' similarity is the larger of the two shares: the part of A's own (non-stub)
code that also appears in B's, and the other way round, so a short submission copied into a
longer one still stands out. The terminal lists the pairs at or above ``--threshold``;
``--html DIR`` writes ``DIR/<assignment>/similarity.html`` with each pair's files side by
side, the shared spans marked and long unshared stretches folded.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import jinja2
import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .i18n import LANGUAGES, Translator, english, translator
from .intake import IntakeError, student_name, unpack
from .spec import Assignment, Course

__all__ = ["NOISE", "THRESHOLD", "Pair", "Report", "SharedFile", "Skipped", "Submission", "collect", "compare",
           "find_similar", "register", "render_html", "render_terminal", "run", "write_html"]

NOISE = 20
"""copydetect's noise threshold ``k``: the shortest shared run, in characters of tokenised
code, that counts. A line such as ``probs = torch.softmax(scores, dim=-1)`` tokenises to
about a dozen characters (``V=V.V(V,V=-1)``), so 20 is a line and a half. copydetect's
default (25) is tuned for longer files; the functions students write here are 3-10 lines,
and on the course's references against their independently written variants 20 keeps the
baseline where 25 does (20-55% of a module, from shared torch idioms) while one short
function copied whole still leaves several fingerprints. Below about 15 single idioms
(``return V.V(V)/V.V(V)``) start to count."""
GUARANTEE = NOISE
"""copydetect's guarantee threshold: equal to :data:`NOISE` (a winnowing window of 1), so
every k-gram is a fingerprint and every shared run of ``NOISE`` characters is found and
marked exactly. Winnowing only saves memory, which ~100-line modules do not need."""
THRESHOLD = 0.6
"""The similarity a pair needs to be listed: above what independent solutions of these
assignments share (up to ~55% for the shortest module), well below a copy with its names
changed and its functions moved (over 90%)."""
MIN_SHARED = 5 * NOISE
"""A pair shares at least this many characters of tokenised code (a few lines) to be
listed: two nearly empty submissions sharing one line are 100% alike and mean nothing."""
CONTEXT = 2
"""Unshared lines shown around each shared line on the page."""
FOLD = 6
"""Runs of at least this many other unshared lines are folded."""


@dataclasses.dataclass(frozen=True)
class Submission:
    """One student's module files, as text."""

    student: str
    source: str
    texts: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Skipped:
    """A submission intake refused; ``reason`` is intake's (English) message."""

    student: str
    source: str
    reason: str


@dataclasses.dataclass(frozen=True)
class SharedFile:
    """One module file of a pair: both texts and the character spans of each that are shared."""

    name: str
    text_a: str
    text_b: str
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]


@dataclasses.dataclass(frozen=True)
class Pair:
    a: str
    b: str
    share_a: float
    """The part of ``a``'s own (non-stub) code that is also in ``b``'s."""
    share_b: float
    shared: int
    """Characters of tokenised code shared."""
    files: tuple[SharedFile, ...]

    @property
    def similarity(self) -> float:
        return max(self.share_a, self.share_b)

    @property
    def lines_a(self) -> int:
        return sum(_shared_line_count(f.text_a, f.spans_a) for f in self.files)

    @property
    def lines_b(self) -> int:
        return sum(_shared_line_count(f.text_b, f.spans_b) for f in self.files)


@dataclasses.dataclass(frozen=True)
class Report:
    assignment: str
    pairs: tuple[Pair, ...]
    """The pairs listed, the most similar first."""
    skipped: tuple[Skipped, ...]
    compared: int
    """Submissions compared (those intake accepted)."""
    threshold: float
    above: int
    """Pairs at or above the threshold (more than ``pairs`` holds when ``top`` cut the list)."""


# -- reading submissions -------------------------------------------------------------------------


def _distinct(names: list[str], sources: Sequence[Path]) -> list[str]:
    """Student names as ``grade`` derives them; two submissions with the same name keep
    their paths, so neither hides the other."""
    counts = {name: names.count(name) for name in names}
    return [name if counts[name] == 1 else f"{name} ({source})" for name, source in zip(names, sources)]


def collect(assignment: Assignment, sources: Sequence[Path]) -> tuple[list[Submission], list[Skipped]]:
    """Each submission's module files through intake (so the same shapes and the same
    refusals as ``grade``), read into memory; the extracted files are deleted."""
    names = _distinct([student_name(Path(s), assignment) for s in sources], sources)
    submissions, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="autograder-similarity-") as tmp:
        for index, (source, name) in enumerate(zip(sources, names)):
            dest = Path(tmp) / str(index)
            try:
                unpack(Path(source), assignment, dest)
                texts = {f: _read(dest / f) for f in assignment.files if f.endswith(".py")}
            except IntakeError as exc:
                skipped.append(Skipped(name, str(source), str(exc)))
                continue
            except OSError as exc:
                skipped.append(Skipped(name, str(source), f"{Path(source).name} cannot be read ({exc})"))
                continue
            submissions.append(Submission(name, str(source), texts))
    return submissions, skipped


def _read(path: Path) -> str:
    """The file as text with ``\\n`` line ends and no byte-order mark, as the tokeniser sees
    it, so that the positions it reports are positions in this text."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- comparing -----------------------------------------------------------------------------------


def _fingerprint(text: str, name: str, boilerplate: frozenset[int]):
    """copydetect's fingerprint of one file, less the stub's k-grams. They are removed here:
    copydetect 0.5 removes them with ``np.intersect1d(..., assume_unique=True)`` on a list
    that repeats a k-gram wherever the code does, which also drops repeated k-grams that
    are not the stub's."""
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    fingerprint = CodeFingerprint(name, NOISE, GUARANTEE - NOISE + 1, None, True, "python", fp=io.StringIO(text))
    fingerprint.hashes = {h for h in fingerprint.hashes if int(h) not in boilerplate}
    fingerprint.hash_idx = {h: i for h, i in fingerprint.hash_idx.items() if int(h) not in boilerplate}
    fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, NOISE, len(fingerprint.filtered_code))
    offsets = _offsets(text)
    if offsets is not None and len(offsets) == len(fingerprint.offsets):
        fingerprint.offsets = offsets
    return fingerprint


def _offsets(text: str) -> np.ndarray | None:
    """copydetect's map from tokenised to raw positions, computed again because copydetect
    0.5 records a wrong one at each class name (its length instead of the running total)
    and ignores the leading blank lines the lexer drops; both shift the marks on the page.
    Same rules as ``copydetect.utils.filter_code``; None (keep copydetect's) if the
    tokenised length disagrees with it."""
    from copydetect.utils import filter_code
    from pygments import lexers, token

    lexer = lexers.get_lexer_by_name("python")
    variables = {token.Name, token.Name.Variable, token.Name.Attribute}
    offset = len(text) - len(text.lstrip("\n"))  # pygments strips leading newlines
    length, offsets = 0, [[0, offset]]
    for kind, value in lexer.get_tokens(text):
        if (kind in variables or kind in token.Name.Function or kind in token.Name.Class
                or kind in (token.Comment.Preproc, token.Comment.Hashbang)):
            length += 1
            offsets.append([length - 1, offset])
            offset += len(value) - 1
        elif kind in token.Text or kind in token.Comment:
            offsets.append([length - 1, offset])
            offset += len(value)
        elif kind in token.Literal.String:
            length += 1
            if value not in ("'", '"'):
                offsets.append([length - 1, offset])
                offset += len(value) - 1
        else:
            length += len(value)
    return np.array(offsets) if length == len(filter_code(text, "x.py", "python")[0]) else None


def _boilerplate(assignment: Assignment) -> frozenset[int]:
    """Every k-gram of the stub modules (a window of 1, as copydetect takes boilerplate)."""
    from copydetect import CodeFingerprint

    hashes: set[int] = set()
    for name in assignment.files:
        path = assignment.directory / name
        if name.endswith(".py") and path.is_file():
            stub = CodeFingerprint(name, NOISE, 1, None, True, "python", fp=io.StringIO(_read(path)))
            hashes |= {int(h) for h in stub.hashes}
    return frozenset(hashes)


def compare(assignment: Assignment, submissions: Sequence[Submission], *, threshold: float = THRESHOLD,
            top: int | None = None) -> tuple[list[Pair], int]:
    """The pairs at or above ``threshold`` sharing at least :data:`MIN_SHARED`, most similar
    first, at most ``top`` of them; and how many there were before ``top``."""
    # copydetect is imported here, not at the top: it imports matplotlib.pyplot.
    from copydetect import compare_files

    boilerplate = _boilerplate(assignment)
    modules = [f for f in assignment.files if f.endswith(".py")]
    prints = [{f: _fingerprint(s.texts[f], f, boilerplate) for f in modules} for s in submissions]
    pairs = []
    for i in range(len(submissions)):
        for j in range(i + 1, len(submissions)):
            shared, got_a, got_b, own_a, own_b, files = 0, 0.0, 0.0, 0.0, 0.0, []
            for f in modules:
                first, second = prints[i][f], prints[j][f]
                own_a += first.token_coverage
                own_b += second.token_coverage
                if not first.hashes & second.hashes:
                    continue
                overlap, (share_a, share_b), (slices_a, slices_b) = compare_files(first, second)
                shared += int(overlap)
                got_a += share_a * first.token_coverage
                got_b += share_b * second.token_coverage
                files.append(SharedFile(f, first.raw_code, second.raw_code, _spans(slices_a), _spans(slices_b)))
            pair = Pair(submissions[i].student, submissions[j].student, got_a / own_a if own_a else 0.0,
                        got_b / own_b if own_b else 0.0, shared, tuple(files))
            if pair.similarity >= threshold and shared >= MIN_SHARED:
                pairs.append(pair)
    pairs.sort(key=lambda p: (-p.similarity, -p.shared, p.a, p.b))
    return pairs[:top] if top else pairs, len(pairs)


def _spans(slices: np.ndarray) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in np.asarray(slices).reshape(2, -1).T)


def find_similar(assignment: Assignment, sources: Sequence[Path], *, threshold: float = THRESHOLD,
                 top: int | None = None) -> Report:
    """Read every submission and compare every pair (see :func:`collect`, :func:`compare`)."""
    submissions, skipped = collect(assignment, sources)
    pairs, above = compare(assignment, submissions, threshold=threshold, top=top)
    return Report(assignment.id, tuple(pairs), tuple(skipped), len(submissions), threshold, above)


# -- marking the shared code ---------------------------------------------------------------------


def _marks(text: str, spans: Iterable[tuple[int, int]]) -> bytearray:
    """A flag per character: shared or not. A k-gram starts or ends anywhere, even inside a
    name (the stub's k-grams are cut out around it); spans are widened to whole words so
    that the page marks names, not pieces of them."""
    marked = bytearray(len(text))
    for start, end in spans:
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        while 0 < start < len(text) and _word(text[start - 1]) and _word(text[start]):
            start -= 1
        while 0 < end < len(text) and _word(text[end - 1]) and _word(text[end]):
            end += 1
        marked[start:end] = b"\1" * (end - start)
    return marked


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lines(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[list[tuple[str, bool]], bool]]:
    """Each line as (text, marked) pieces, and whether any of its code is shared."""
    marked = _marks(text, spans)
    lines, position = [], 0
    for line in text.split("\n"):
        pieces: list[tuple[str, bool]] = []
        indent = len(line) - len(line.lstrip())
        for offset, char in enumerate(line):
            flag = offset >= indent and bool(marked[position + offset])  # indentation is not code
            if pieces and pieces[-1][1] == flag:
                pieces[-1] = (pieces[-1][0] + char, flag)
            else:
                pieces.append((char, flag))
        shared = any(flag and piece.strip() for piece, flag in pieces)
        lines.append((pieces, shared))
        position += len(line) + 1
    return lines


def _shared_line_count(text: str, spans: Iterable[tuple[int, int]]) -> int:
    return sum(shared for _, shared in _lines(text, spans))


def _blocks(text: str, spans: Iterable[tuple[int, int]]) -> list[dict]:
    """The file as blocks of numbered lines; a long stretch of unshared lines (more than
    :data:`CONTEXT` away from any shared one) is one folded block."""
    lines = _lines(text, spans)
    shared = [i for i, (_, s) in enumerate(lines) if s]
    near = {j for i in shared for j in range(i - CONTEXT, i + CONTEXT + 1)}
    blocks: list[dict] = []
    for number, (pieces, _) in enumerate(lines, 1):
        folded = number - 1 not in near
        if not blocks or blocks[-1]["folded"] != folded:
            blocks.append({"folded": folded, "lines": []})
        blocks[-1]["lines"].append({"number": number, "pieces": pieces})
    for block in blocks:  # a short stretch is not worth a click
        block["folded"] = block["folded"] and len(block["lines"]) >= FOLD
    return blocks


# -- rendering -----------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def render_terminal(console: Console, report: Report, tr: Translator | None = None) -> None:
    """The ranked pairs as a table (names fold, never cut), the skipped submissions with
    their reasons, and the reminder that similarity is not proof."""
    tr = tr or english()
    title = tr("{assignment}: {count} submission(s) compared").format(assignment=report.assignment,
                                                                      count=report.compared)
    if report.pairs:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(tr("student"), overflow="fold", ratio=1)
        table.add_column(tr("student"), overflow="fold", ratio=1)
        table.add_column(tr("similarity"), justify="right", no_wrap=True)
        table.add_column(tr("shared lines"), justify="right", no_wrap=True)
        for rank, pair in enumerate(report.pairs, 1):
            table.add_row(str(rank), Text(pair.a), Text(pair.b),
                          f"{_percent(pair.share_a)} / {_percent(pair.share_b)}",
                          f"{pair.lines_a} / {pair.lines_b}")
        console.print(table)
        if report.above > len(report.pairs):
            console.print(tr("{shown} of {count} pairs at or above the threshold shown (--top).").format(
                shown=len(report.pairs), count=report.above))
    else:
        console.print(Text(title, style="bold"))
        console.print(tr("No pair shares {percent} or more of its code.").format(
            percent=_percent(report.threshold)))
    for skipped in report.skipped:
        console.print(Text.assemble((tr("skipped") + " ", "yellow"), (skipped.student, "bold"), ": ",
                                    tr.text(skipped.reason)))
    console.print(Text(tr("Similarity is not proof of copying: shared code can come from the lecture, a "
                          "textbook or a common idiom. Read each pair's code before drawing any conclusion."),
                       style="dim"))


_environment = jinja2.Environment(
    # Configured like autograder.feedback.html's: student code is untrusted text.
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "feedback" / "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters["percent"] = _percent


def render_html(report: Report, tr: Translator | None = None) -> str:
    """The report as one self-contained page (inline CSS, no scripts): the ranked pairs,
    then each pair's files side by side with the shared code marked."""
    tr = tr or english()
    pairs = [{"pair": pair, "rank": rank, "files": [
        {"name": f.name, "a": _blocks(f.text_a, f.spans_a), "b": _blocks(f.text_b, f.spans_b)} for f in pair.files]}
        for rank, pair in enumerate(report.pairs, 1)]
    return _environment.get_template("similarity.html.j2").render(report=report, pairs=pairs, tr=tr)


def write_html(report: Report, folder: Path, tr: Translator | None = None) -> Path:
    """``folder/<assignment>/similarity.html``; returns its path."""
    from .feedback.html import safe_file_name

    directory = Path(folder) / safe_file_name(report.assignment)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "similarity.html"
    path.write_text(render_html(report, tr), encoding="utf-8")
    return path


# -- the verb ------------------------------------------------------------------------------------


def _share(value: str) -> float:
    number = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share between 0 and 1 (or 0% and 100%)")
    return number


def register(verb: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``autograder similarity`` to the command line."""
    similarity = verb("similarity", "list pairs of submissions that share unusual code, most similar first, for "
                                    "a person to read (it proves nothing by itself)")
    similarity.add_argument("assignment")
    similarity.add_argument("submissions", nargs="+", help="folders, .py files, .zip archives or notebooks")
    similarity.add_argument("--threshold", type=_share, default=THRESHOLD, metavar="SHARE",
                            help=f"list pairs sharing at least this share of one student's own code, 0-1 or a "
                                 f"percentage (default: {THRESHOLD:g})")
    similarity.add_argument("--top", type=int, default=0, metavar="N", help="list at most N pairs (default: all)")
    similarity.add_argument("--html", metavar="DIR", help="also write DIR/<assignment>/similarity.html with each "
                                                          "pair's shared code side by side")
    similarity.add_argument("--lang", choices=LANGUAGES, help="the language of the report: " + " or ".join(LANGUAGES)
                            + " (default: $AUTOGRADER_LANG, else the locale's language, else en)")
    similarity.set_defaults(run=run)


def run(args: argparse.Namespace, course: Course) -> int:
    """Compare, print the table, write the page; exit 3 when intake skipped a submission."""
    from .cli import Exit, UsageError, err, out

    assignment = course.assignment(args.assignment)
    missing = [p for p in args.submissions if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)} (nothing was compared)")
    if args.top < 0:
        raise UsageError("--top takes a positive number of pairs (0: all)")
    tr = translator(args.lang, [assignment.solution_dir, assignment.directory])
    report = find_similar(assignment, [Path(p) for p in args.submissions], threshold=args.threshold,
                          top=args.top or None)
    render_terminal(out, report, tr)
    if args.html:
        err.print(f"wrote {write_html(report, Path(args.html), tr)}", soft_wrap=True)  # a path stays whole
    return Exit.REJECTED if report.skipped else Exit.OK
