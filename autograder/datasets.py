"""The corpora shipped in ``datasets/``, loaded the same way by every grader and example.

Graders train and score student code on these files, so they must all read them
identically: one parser, one place that knows where the folder is. The files and how they
were made are described in ``datasets/README.md``. No student stub uses this module.

Loads are cached per file; every call returns a new list of immutable tuples, so a caller
that sorts, shuffles or appends cannot change what the next caller sees.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .spec import Course, SpecError

DATES_SPLITS = ("train", "valid", "test")
PARALLEL_SAMPLE = Path("bible") / "en-es.tsv"


def _find_datasets_dir() -> Path:
    """$AUTOGRADER_DATASETS, else ``datasets/`` in the course root (see Course.locate)."""
    override = os.environ.get("AUTOGRADER_DATASETS")
    if override:
        return Path(override).resolve()
    try:
        return Course.locate().root / "datasets"
    except SpecError:
        return Path(__file__).resolve().parents[1] / "datasets"


DATASETS_DIR: Path = _find_datasets_dir()


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """A tab-separated file as (source, target) pairs: the last two columns of each line.

    Taking the last two columns lets the same reader skip a leading id column
    (``Gen.1.1<TAB>english<TAB>spanish``). Not cached: it reads whatever file it is given.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"dataset file not found: {path} (datasets are looked up in {DATASETS_DIR}; "
            "set AUTOGRADER_DATASETS to the folder holding dates/ and bible/)") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    pairs = []
    for number, line in enumerate(lines, start=1):
        columns = line.rstrip("\r").split("\t")
        if len(columns) < 2:
            raise ValueError(f"{path}:{number}: expected at least 2 tab-separated columns, got {line[:80]!r}")
        pairs.append((columns[-2], columns[-1]))
    return pairs


@functools.lru_cache(maxsize=None)
def _cached_pairs(path: Path) -> tuple[tuple[str, str], ...]:
    return tuple(read_pairs(path))


def dates(split: str = "train") -> list[tuple[str, str]]:
    """The dates task: ("the twenty-third of march 2021", "2 0 2 1 - 0 3 - 2 3") pairs.

    ``split`` is "train" (20000 pairs), "valid" (1000) or "test" (1000); no date occurs in
    two splits. Both sides are whitespace-tokenised (``str.split``); the target is the ISO
    date one character per token.
    """
    if split not in DATES_SPLITS:
        raise ValueError(f"split must be one of {', '.join(DATES_SPLITS)}, got {split!r}")
    return list(_cached_pairs(DATASETS_DIR / "dates" / f"{split}.tsv"))


def parallel_sample() -> list[tuple[str, str]]:
    """The real parallel sample: 4000 (english, spanish) Bible verses, KJV and Reina-Valera 1909.

    Raw text with its own casing and punctuation, for A1's normalisation and tokenisation,
    sentencepiece training and BLEU on real sentences.
    """
    return list(_cached_pairs(DATASETS_DIR / PARALLEL_SAMPLE))
