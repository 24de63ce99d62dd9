"""``autograder similarity``: a planted copy ranks first, independent work and the stub are
not shared code, a broken submission is skipped with its reason, and the page is escaped."""

from __future__ import annotations

import argparse
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import similarity
from autograder.similarity import compare, find_similar, render_html, write_html
from autograder.spec import Course

STUB = '''\
"""Text statistics: fill in every function. Each docstring says what it returns."""

from __future__ import annotations


def word_counts(text: str) -> dict[str, int]:
    """How often each lower-cased word occurs in ``text``, words split on white space."""
    raise NotImplementedError("word_counts: write this function")


def top_words(counts: dict[str, int], k: int) -> list[tuple[str, int]]:
    """The ``k`` most frequent words, most frequent first, ties in alphabetical order."""
    raise NotImplementedError("top_words: write this function")


def bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    """Each pair of neighbouring tokens, in order."""
    raise NotImplementedError("bigrams: write this function")


class Vocabulary:
    """Numbers for words: ``index`` gives a word's number, unknown words get ``unk``."""

    def __init__(self, words: list[str], unk: str = "<unk>") -> None:
        raise NotImplementedError("Vocabulary: write this class")

    def index(self, word: str) -> int:
        raise NotImplementedError("Vocabulary.index: write this method")
'''

ORIGINAL = '''\
"""Text statistics: fill in every function. Each docstring says what it returns."""

from __future__ import annotations


def word_counts(text: str) -> dict[str, int]:
    """How often each lower-cased word occurs in ``text``, words split on white space."""
    table = {}
    for raw in text.split():
        word = raw.strip(".,;:!?").lower()
        if not word:
            continue
        table[word] = table.get(word, 0) + 1
    return table


def top_words(counts: dict[str, int], k: int) -> list[tuple[str, int]]:
    """The ``k`` most frequent words, most frequent first, ties in alphabetical order."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if k <= 0:
        return []
    return ranked[:k]


def bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    """Each pair of neighbouring tokens, in order."""
    result = []
    position = 0
    while position + 1 < len(tokens):
        result.append((tokens[position], tokens[position + 1]))
        position += 1
    return result


class Vocabulary:
    """Numbers for words: ``index`` gives a word's number, unknown words get ``unk``."""

    def __init__(self, words: list[str], unk: str = "<unk>") -> None:
        self.unk = unk
        self.itos = [unk] + sorted(set(w for w in words if w != unk))
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def index(self, word: str) -> int:
        return self.stoi.get(word, self.stoi[self.unk])
'''

# The same code with every name changed, the functions in another order and other comments.
COPY = '''\
"""Text statistics: fill in every function. Each docstring says what it returns."""

from __future__ import annotations


class Vocabulary:
    """Numbers for words: ``index`` gives a word's number, unknown words get ``unk``."""

    def __init__(self, words: list[str], unk: str = "<unk>") -> None:
        # my own vocabulary <script>alert("x")</script>
        self.unknown_token = unk
        self.id_to_word = [unk] + sorted(set(tok for tok in words if tok != unk))
        self.word_to_id = {tok: n for n, tok in enumerate(self.id_to_word)}

    def index(self, word: str) -> int:
        return self.word_to_id.get(word, self.word_to_id[self.unknown_token])


def bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    """Each pair of neighbouring tokens, in order."""
    pairs_out = []
    i = 0
    while i + 1 < len(tokens):  # walk the list
        pairs_out.append((tokens[i], tokens[i + 1]))
        i += 1
    return pairs_out


def word_counts(text: str) -> dict[str, int]:
    """How often each lower-cased word occurs in ``text``, words split on white space."""
    freq = {}
    for piece in text.split():
        w = piece.strip(".,;:!?").lower()
        if not w:
            continue
        freq[w] = freq.get(w, 0) + 1
    return freq


def top_words(counts: dict[str, int], k: int) -> list[tuple[str, int]]:
    """The ``k`` most frequent words, most frequent first, ties in alphabetical order."""
    order = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    if k <= 0:
        return []
    return order[:k]
'''

INDEPENDENT = '''\
"""Text statistics: fill in every function. Each docstring says what it returns."""

from __future__ import annotations

import collections
import heapq
import string


def word_counts(text: str) -> dict[str, int]:
    """How often each lower-cased word occurs in ``text``, words split on white space."""
    cleaned = (token.lower().strip(string.punctuation) for token in text.split())
    return dict(collections.Counter(token for token in cleaned if token))


def top_words(counts: dict[str, int], k: int) -> list[tuple[str, int]]:
    """The ``k`` most frequent words, most frequent first, ties in alphabetical order."""
    return heapq.nsmallest(max(k, 0), counts.items(), key=lambda entry: (-entry[1], entry[0]))


def bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    """Each pair of neighbouring tokens, in order."""
    return list(zip(tokens, tokens[1:]))


class Vocabulary:
    """Numbers for words: ``index`` gives a word's number, unknown words get ``unk``."""

    def __init__(self, words: list[str], unk: str = "<unk>") -> None:
        self._unk = unk
        self._ids = {unk: 0}
        for word in sorted(set(words) - {unk}):
            self._ids.setdefault(word, len(self._ids))

    def index(self, word: str) -> int:
        try:
            return self._ids[word]
        except KeyError:
            return self._ids[self._unk]
'''


@pytest.fixture
def course(tmp_path: Path) -> Course:
    folder = tmp_path / "course" / "assignments" / "word_stats"
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text("id: word_stats\ntitle: Text statistics\nfiles: [stats.py]\n")
    (folder / "stats.py").write_text(STUB)
    return Course(tmp_path / "course")


def hand_in(tmp_path: Path, name: str, source: str, shape: str = "folder") -> Path:
    """A submission as a folder, a lone .py file or a .zip."""
    base = tmp_path / "submissions"
    base.mkdir(exist_ok=True)
    if shape == "py":
        path = base / f"{name}.py"
        path.write_text(source)
        return path
    if shape == "zip":
        path = base / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(f"{name}/stats.py", source)
        return path
    (base / name).mkdir()
    (base / name / "stats.py").write_text(source)
    return base / name


def test_a_planted_copy_ranks_first_and_independent_work_is_not_listed(course, tmp_path, monkeypatch):
    assignment = course.assignment("word_stats")
    sources = [hand_in(tmp_path, "ada", ORIGINAL), hand_in(tmp_path, "ben", COPY, "py"),
               hand_in(tmp_path, "cho", INDEPENDENT, "zip")]
    report = find_similar(assignment, sources)
    assert report.compared == 3 and not report.skipped
    assert [{p.a, p.b} for p in report.pairs] == [{"ada", "ben"}]  # cho wrote its own
    pair = report.pairs[0]
    assert pair.similarity > 0.9 and pair.lines_a >= 15
    # With no threshold at all, the independent pairs rank below the copy, under the default.
    monkeypatch.setattr(similarity, "MIN_SHARED", 0)
    everything, _ = compare(assignment, similarity.collect(assignment, sources)[0], threshold=0.0)
    assert len(everything) == 3 and {everything[0].a, everything[0].b} == {"ada", "ben"}
    assert all(p.similarity < similarity.THRESHOLD for p in everything[1:])


def test_code_that_only_repeats_the_stub_is_not_shared(course, tmp_path, monkeypatch):
    assignment = course.assignment("word_stats")
    # Both keep the whole stub (docstrings, signatures, raise lines) and add one different line.
    first = STUB + "\n\nLIMIT = 3\n"
    second = STUB.replace('"""Each pair of neighbouring tokens, in order."""',
                          '"""Each pair of neighbouring tokens, in order."""\n    print(tokens)')
    monkeypatch.setattr(similarity, "MIN_SHARED", 0)
    submissions, _ = similarity.collect(assignment, [hand_in(tmp_path, "dan", first), hand_in(tmp_path, "eve", second)])
    pairs, _ = compare(assignment, submissions, threshold=0.0)
    assert [(p.share_a, p.share_b, p.shared) for p in pairs] == [(0.0, 0.0, 0)]
    # The stub is what made them alike: without it as boilerplate they would be nearly identical.
    monkeypatch.setattr(similarity, "_boilerplate", lambda assignment: frozenset())
    pairs, _ = compare(assignment, submissions, threshold=0.0)
    assert pairs[0].similarity > 0.9


def test_a_broken_zip_is_skipped_with_its_reason(course, tmp_path):
    assignment = course.assignment("word_stats")
    broken = tmp_path / "submissions" / "fay.zip"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    no_module = hand_in(tmp_path, "gus", ORIGINAL)
    (no_module / "stats.py").rename(no_module / "statistics.py")
    report = find_similar(assignment, [broken, no_module, hand_in(tmp_path, "ada", ORIGINAL),
                                       hand_in(tmp_path, "ben", COPY)])
    reasons = {s.student: s.reason for s in report.skipped}
    assert set(reasons) == {"fay", "gus"}
    assert "not a readable zip archive" in reasons["fay"] and "no stats.py" in reasons["gus"]
    assert report.compared == 2 and len(report.pairs) == 1


class _Text(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.marked: list[str] = []
        self.text: list[str] = []
        self._in_mark = 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_mark += tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark -= tag == "mark"

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marked.append(data)


def test_the_page_shows_the_shared_code_as_escaped_text(course, tmp_path):
    assignment = course.assignment("word_stats")
    report = find_similar(assignment, [hand_in(tmp_path, "ada", ORIGINAL), hand_in(tmp_path, "ben", COPY)])
    page = render_html(report)
    parsed = _Text(page)
    assert "script" not in parsed.tags and "<script>" not in page
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;' in page  # the comment, as text
    assert "default-src 'none'" in page and "accuses no one" in page
    marked = "".join(parsed.marked)
    # Whole names are marked, in both files, class bodies included (renamed, still found).
    assert "self.word_to_id.get(word, self.word_to_id[self.unknown_token])" in marked
    assert "self.stoi.get(word, self.stoi[self.unk])" in marked
    assert "raise NotImplementedError" not in marked
    path = write_html(report, tmp_path / "html")
    assert path == tmp_path / "html" / "word_stats" / "similarity.html" and path.read_text() == page


def test_long_unshared_stretches_are_folded(course, tmp_path):
    assignment = course.assignment("word_stats")
    padding = "".join(f"\n\ndef helper_{i}(value):\n    return value * {i} + len(str(value)) - {i}\n" for i in range(6))
    report = find_similar(assignment, [hand_in(tmp_path, "ada", ORIGINAL + padding), hand_in(tmp_path, "ben", COPY)])
    page = render_html(report)
    assert page.count("<details>") == 1 and "lines not shared" in page
    assert "helper_5" in page  # folded, not dropped


def test_the_verb_prints_the_pairs_writes_the_page_and_exits_3_when_one_was_skipped(course, tmp_path, capsys,
                                                                                    monkeypatch):
    parser = argparse.ArgumentParser()
    verbs = parser.add_subparsers()
    similarity.register(lambda name, help: verbs.add_parser(name, help=help))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"nope")
    args = parser.parse_args(["similarity", "word_stats", str(hand_in(tmp_path, "ada_lovelace_the_first", ORIGINAL)),
                              str(hand_in(tmp_path, "ben", COPY)), str(broken), "--threshold", "50%", "--top", "5",
                              "--html", str(tmp_path / "html"), "--lang", "en"])
    assert args.threshold == 0.5
    monkeypatch.setattr("autograder.cli.out.width", 80, raising=False)
    code = args.run(args, course)
    captured = capsys.readouterr()
    assert code == 3
    assert "ada_lovelace_the_first" in captured.out and "skipped" in captured.out and "not proof" in captured.out
    assert all(len(line) <= 80 for line in captured.out.splitlines()), captured.out
    assert (tmp_path / "html" / "word_stats" / "similarity.html").is_file() and "similarity.html" in captured.err
    with pytest.raises(SystemExit):
        parser.parse_args(["similarity", "word_stats", "x", "--threshold", "150%"])


def test_positions_in_tokenised_code_map_back_to_the_source_past_class_names():
    """copydetect maps its matches back through ``offsets``; its own are wrong at class
    names and after leading blank lines, which would shift every mark after them."""
    import numpy as np

    source = "\n\nimport torch\n\nclass AVeryLongClassName(torch.nn.Module):\n    x = 'text'  # note\n\n" \
             "class B:\n    def f(self, y):\n        return [y, self.x]\n"
    fingerprint = similarity._fingerprint(source, "m.py", frozenset())
    filtered, offsets = fingerprint.filtered_code, fingerprint.offsets
    for i, char in enumerate(filtered):
        raw = i + offsets[:, 1][np.clip(np.searchsorted(offsets[:, 0], i), 0, len(offsets) - 1)]
        if char == "O":
            assert source[raw:].startswith(("AVeryLongClassName", "B:")), i
        elif char == '"':  # either quote becomes "
            assert source[raw] in "'\"", i
        elif char not in "VFS":
            assert source[raw] == char, (i, char, source[raw])
