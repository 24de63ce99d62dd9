"""The shipped datasets: present, well formed, reproducible, and read the same way everywhere."""

from __future__ import annotations

import datetime
import importlib.util
import re
from pathlib import Path

import pytest

from autograder import datasets

ROOT = Path(__file__).resolve().parents[1]
DATES = ROOT / "datasets" / "dates"
BIBLE = ROOT / "datasets" / "bible"
SIZES = {"train": 20000, "valid": 1000, "test": 1000}
BIBLE_PAIRS = 4000


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"_dataset_script_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- an independent reader of the dates sources (shares no code with generate.py) -------

_SMALL = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SMALL_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                   "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                   "nineteenth").split()
NUMBER_WORDS = {word: n for n, word in enumerate(_SMALL, start=1)} | _TENS
ORDINAL_WORDS = {word: n for n, word in enumerate(_SMALL_ORDINALS, start=1)}
ORDINAL_WORDS |= {"twentieth": 20, "thirtieth": 30}
for _tens_word, _tens in _TENS.items():
    for _unit in range(1, 10):
        NUMBER_WORDS[f"{_tens_word}-{_SMALL[_unit - 1]}"] = _tens + _unit
        ORDINAL_WORDS[f"{_tens_word}-{_SMALL_ORDINALS[_unit - 1]}"] = _tens + _unit
MONTH_NAMES = ("january february march april may june july august september october november "
               "december").split()
WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday".split()


def parse_month(word: str) -> int:
    for number, name in enumerate(MONTH_NAMES, start=1):
        if word in (name, name[:3]):
            return number
    raise AssertionError(f"not a month: {word!r}")


def parse_day(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word in ORDINAL_WORDS:
        return ORDINAL_WORDS[word]
    match = re.fullmatch(r"(\d+)(st|nd|rd|th)", word)
    assert match, f"not a day: {word!r}"
    n = int(match[1])
    expected = "th" if n in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    assert match[2] == expected, f"wrong ordinal suffix: {word!r}"
    return n


def parse_year(words: list[str]) -> int:
    text = " ".join(words)
    if re.fullmatch(r"(19|20)\d\d", text):
        return int(text)
    patterns = [
        (r"nineteen hundred", lambda m: 1900),
        (r"nineteen hundred and (\S+)", lambda m: 1900 + NUMBER_WORDS[m[1]]),
        (r"nineteen oh (\S+)", lambda m: 1900 + NUMBER_WORDS[m[1]]),
        (r"nineteen (\S+)", lambda m: 1900 + NUMBER_WORDS[m[1]]),
        (r"two thousand", lambda m: 2000),
        (r"two thousand (?:and )?(\S+)", lambda m: 2000 + NUMBER_WORDS[m[1]]),
        (r"twenty (\S+)", lambda m: 2000 + NUMBER_WORDS[m[1]]),
    ]
    for pattern, value in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            return value(match)
    raise AssertionError(f"not a year: {text!r}")


def parse_date(source: str) -> datetime.date:
    words = source.split()
    weekday = None
    if words[0] in WEEKDAY_NAMES:
        weekday = WEEKDAY_NAMES.index(words.pop(0))
    words = [w for w in words if w not in (",", "the", "of")]
    if words[0] in MONTH_NAMES or words[0] in [name[:3] for name in MONTH_NAMES]:
        month, day = parse_month(words[0]), parse_day(words[1])
    else:
        day, month = parse_day(words[0]), parse_month(words[1])
    parsed = datetime.date(parse_year(words[2:]), month, day)
    if weekday is not None:
        assert parsed.weekday() == weekday, f"{source!r}: {parsed} is not a {WEEKDAY_NAMES[weekday]}"
    return parsed


# --- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("split", list(SIZES))
def test_dates_split_parses_with_documented_size(split):
    pairs = datasets.dates(split)
    assert len(pairs) == SIZES[split]
    for source, target in pairs:
        tokens = source.split()
        assert source == " ".join(tokens) == source.lower() and 3 <= len(tokens) <= 12, source
        assert re.fullmatch(r"\d \d \d \d - \d \d - \d \d", target), target


def test_dates_targets_are_the_sources_dates():
    first, last = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)
    for split in SIZES:
        for source, target in datasets.dates(split):
            parsed = parse_date(source)
            assert first <= parsed <= last
            assert "".join(target.split()) == parsed.isoformat(), (source, target)


def test_no_date_occurs_twice_in_or_across_splits():
    targets = [target for split in SIZES for _, target in datasets.dates(split)]
    assert len(set(targets)) == len(targets)
    sources = [source for split in SIZES for source, _ in datasets.dates(split)]
    assert len(set(sources)) == len(sources)


def test_dates_cover_the_range_and_the_surface_forms():
    pairs = datasets.dates("train")
    years = {int(target.replace(" ", "")[:4]) for _, target in pairs}
    assert years == set(range(1900, 2100))
    sources = [source for source, _ in pairs]
    for form in (r"the \S+ of \S+ .+", r"\S+ \d+(st|nd|rd|th) , .+", r"\d+ \S+ \d{4}",
                 r"\S+day the \S+ of .+", r"\S+day , \S+ \d+ , .+", r".* two thousand and .+",
                 r".* nineteen oh .+"):
        assert any(re.fullmatch(form, s) for s in sources), f"no source of the form {form!r}"


def test_regenerating_with_default_seed_is_byte_identical(tmp_path):
    generate = load_script(DATES / "generate.py")
    generate.main(["--out", str(tmp_path)])
    for split in SIZES:
        assert (tmp_path / f"{split}.tsv").read_bytes() == (DATES / f"{split}.tsv").read_bytes(), split


def test_generator_seed_changes_the_data_and_sizes_are_respected(tmp_path):
    generate = load_script(DATES / "generate.py")
    generate.main(["--out", str(tmp_path), "--seed", "1", "--train", "50", "--valid", "5", "--test", "5"])
    train = datasets.read_pairs(tmp_path / "train.tsv")
    assert len(train) == 50 and len(datasets.read_pairs(tmp_path / "test.tsv")) == 5
    assert train != datasets.dates("train")[:50]
    for source, target in train:
        assert "".join(target.split()) == parse_date(source).isoformat()


# --- the parallel sample -------------------------------------------------------------------

def test_parallel_sample_has_documented_pairs_and_no_empty_side():
    pairs = datasets.parallel_sample()
    assert len(pairs) == BIBLE_PAIRS
    for english, spanish in pairs:
        for side in (english, spanish):
            assert side == " ".join(side.split()) and 3 <= len(side.split()) <= 40, side
            assert not set(side) & set("<>\\\t\u00b6"), f"markup left: {side!r}"
    assert len(set(pairs)) == len(pairs)


def test_parallel_sample_ids_are_in_canonical_order():
    books = load_script(BIBLE / "extract.py").OSIS_BOOKS
    lines = (BIBLE / "en-es.tsv").read_text(encoding="utf-8").splitlines()
    keys = []
    for line in lines:
        verse_id, english, spanish = line.split("\t")
        book, chapter, verse = verse_id.split(".")
        keys.append((books.index(book), int(chapter), int(verse)))
    assert keys == sorted(set(keys))
    assert {k[0] for k in keys} == set(range(len(books)))
    assert lines[0].startswith("Gen.1.1\tIn the beginning God created the heaven and the earth.\tEN el principio")


# --- the loader ----------------------------------------------------------------------------

def test_loads_are_copies_of_the_cache():
    first = datasets.dates("valid")
    first.clear()
    assert len(datasets.dates("valid")) == SIZES["valid"]
    assert datasets.parallel_sample() is not datasets.parallel_sample()


def test_unknown_split_is_a_value_error():
    with pytest.raises(ValueError, match="split"):
        datasets.dates("dev")


def test_missing_file_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "dates" / "test.tsv"))):
        datasets.dates("test")
    with pytest.raises(FileNotFoundError, match="en-es.tsv"):
        datasets.parallel_sample()


def test_read_pairs_takes_the_last_two_columns_and_rejects_short_lines(tmp_path):
    good = tmp_path / "good.tsv"
    good.write_text("id1\ta b\tc d\nx\ty\n", encoding="utf-8")
    assert datasets.read_pairs(good) == [("a b", "c d"), ("x", "y")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("x\ty\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        datasets.read_pairs(bad)


def test_datasets_dir_is_found_and_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTOGRADER_DATASETS", raising=False)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert datasets._find_datasets_dir() == (ROOT / "datasets").resolve()
    monkeypatch.setenv("AUTOGRADER_DATASETS", str(tmp_path))
    assert datasets._find_datasets_dir() == tmp_path.resolve()
