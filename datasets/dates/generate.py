"""Spelled-out English dates -> ISO 8601 dates: a seeded toy translation task.

Why this task: it has real alignment structure (the year, month and day sit in different
source positions in every surface form, and in different places than in the target), it
needs no download, and a tiny GRU with attention learns it on a CPU in well under a
minute, so graders can train students' models within a time limit and the attention plot
shows a readable alignment.

    source (lowercase, whitespace-tokenised)                 target
    the twenty-third of march two thousand twenty-one        2 0 2 1 - 0 3 - 2 3
    tuesday , march 23 , 2021                                2 0 2 1 - 0 3 - 2 3
    23 mar 2021                                              2 0 2 1 - 0 3 - 2 3

The target is the ISO date written one character per token ("2 0 2 1 - 0 3 - 2 3";
``"".join(target.split())`` gives "2021-03-23"), so that a word-level model (``str.split``)
has an 11-symbol output vocabulary and copies digits: an unsplit ISO string would be one
token per date and could not be learnt. The source is lowercase words and punctuation
separated by single spaces (hyphenated number words like "twenty-third" are one token).

Dates run from 1900-01-01 to 2099-12-31. Each date is drawn uniformly without replacement,
so no date (and hence no source or target) occurs twice in or across the splits; the test
set's dates are therefore all unseen in training. Weekdays are computed with ``datetime``.

Reproducibility: only ``random.Random(seed).random()`` is used (its sequence is the one
part of the ``random`` module Python promises not to change between versions), so the same
seed writes byte-identical files on any Python 3.10+.

    python datasets/dates/generate.py                     # rewrites the committed files
    python datasets/dates/generate.py --seed 1 --out /tmp/d --train 5000
"""

from __future__ import annotations

import argparse
import datetime
import random
from pathlib import Path

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
SPLITS = ("train", "valid", "test")
DEFAULT_SIZES = {"train": 20000, "valid": 1000, "test": 1000}

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
UNIT_ORDINALS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                 "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                 "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
TENS_ORDINALS = {2: "twentieth", 3: "thirtieth"}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
MONTH_ABBREVIATIONS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                       "nov", "dec"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def cardinal_words(n: int) -> str:
    """1..99 in words; compounds are one hyphenated token ("twenty-one")."""
    if not 1 <= n <= 99:
        raise ValueError(f"n must be in 1..99, got {n}")
    if n < 20:
        return UNITS[n]
    tens, units = divmod(n, 10)
    return TENS[tens] if units == 0 else f"{TENS[tens]}-{UNITS[units]}"


def ordinal_words(n: int) -> str:
    """1..31 as an ordinal word ("first", "twenty-third", "thirtieth")."""
    if not 1 <= n <= 31:
        raise ValueError(f"n must be in 1..31, got {n}")
    if n < 20:
        return UNIT_ORDINALS[n]
    tens, units = divmod(n, 10)
    return TENS_ORDINALS[tens] if units == 0 else f"{TENS[tens]}-{UNIT_ORDINALS[units]}"


def ordinal_digits(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def year_word_forms(year: int) -> list[str]:
    """Every way this generator spells a year out in words."""
    century, rest = divmod(year, 100)
    if century == 19:
        if rest == 0:
            return ["nineteen hundred"]
        if rest < 10:
            return [f"nineteen oh {UNITS[rest]}", f"nineteen hundred and {UNITS[rest]}"]
        return [f"nineteen {cardinal_words(rest)}"]
    if century == 20:
        if rest == 0:
            return ["two thousand"]
        forms = [f"two thousand {cardinal_words(rest)}", f"two thousand and {cardinal_words(rest)}"]
        if rest >= 10:
            forms.append(f"twenty {cardinal_words(rest)}")
        return forms
    raise ValueError(f"year must be in 1900..2099, got {year}")


def iso_target(day: datetime.date) -> str:
    """The target: the ISO date one character per token, "2 0 2 1 - 0 3 - 2 3"."""
    return " ".join(day.isoformat())


class _Draws:
    """Choices made from ``Random.random()`` alone, whose sequence is stable across versions."""

    def __init__(self, seed: int):
        self._random = random.Random(seed).random

    def below(self, n: int) -> int:
        return min(int(self._random() * n), n - 1)

    def choice(self, options: list):
        return options[self.below(len(options))]

    def distinct(self, population: int, k: int) -> list[int]:
        """k distinct integers from range(population), uniformly (partial Fisher-Yates)."""
        if not 0 <= k <= population:
            raise ValueError(f"cannot draw {k} distinct values out of {population}")
        pool = list(range(population))
        for i in range(k):
            j = i + self.below(population - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def render(day: datetime.date, draws: _Draws) -> str:
    """One randomly chosen English surface form of ``day``."""
    month = draws.choice([MONTHS[day.month - 1]] * 3 + [MONTH_ABBREVIATIONS[day.month - 1]])
    year = draws.choice([str(day.year), draws.choice(year_word_forms(day.year))])
    ordinal = draws.choice([ordinal_words(day.day), ordinal_digits(day.day)])
    weekday = WEEKDAYS[day.weekday()]
    template = draws.below(6)
    if template == 0:
        return f"the {ordinal_words(day.day)} of {month} {year}"
    if template == 1:
        return f"{month} {ordinal} , {year}"
    if template == 2:
        return f"{day.day} {month} {year}"
    if template == 3:
        return f"{weekday} the {ordinal} of {month} {year}"
    if template == 4:
        return f"{weekday} , {month} {day.day} , {year}"
    return f"{month} the {ordinal} , {year}"


def make_splits(seed: int = 0, sizes: dict[str, int] | None = None) -> dict[str, list[tuple[str, str]]]:
    """(source, target) pairs per split; every date occurs at most once in all splits."""
    sizes = dict(DEFAULT_SIZES if sizes is None else sizes)
    draws = _Draws(seed)
    span = (LAST_DAY - FIRST_DAY).days + 1
    offsets = draws.distinct(span, sum(sizes[s] for s in SPLITS))
    splits, start = {}, 0
    for split in SPLITS:
        chosen = offsets[start:start + sizes[split]]
        start += sizes[split]
        pairs = []
        for offset in chosen:
            day = FIRST_DAY + datetime.timedelta(days=offset)
            pairs.append((render(day, draws), iso_target(day)))
        splits[split] = pairs
    return splits


def sample_pairs(seed: int | str, n: int, exclude_targets: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """n fresh (source, target) pairs for distinct random dates whose target is not excluded.

    For graders that need held-out dates nobody has seen (pass the targets of the training
    split as ``exclude_targets``): the seed is theirs (a secret per run), the surface forms
    come from the same ``render`` as the committed splits. Independent of ``make_splits``.
    """
    span = (LAST_DAY - FIRST_DAY).days + 1
    draws = _Draws(seed)
    chosen: set[int] = set()
    pairs = []
    if n > span - len(exclude_targets):
        raise ValueError(f"cannot draw {n} dates outside the {len(exclude_targets)} excluded ones")
    while len(pairs) < n:
        offset = draws.below(span)
        day = FIRST_DAY + datetime.timedelta(days=offset)
        if offset in chosen or iso_target(day) in exclude_targets:
            continue
        chosen.add(offset)
        pairs.append((render(day, draws), iso_target(day)))
    return pairs


def write_tsv(path: Path, pairs: list[tuple[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for source, target in pairs:
            out.write(f"{source}\t{target}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder for train.tsv, valid.tsv, test.tsv (default: beside this script)")
    for split in SPLITS:
        parser.add_argument(f"--{split}", type=int, default=DEFAULT_SIZES[split], help=f"{split} pairs")
    args = parser.parse_args(argv)
    sizes = {split: getattr(args, split) for split in SPLITS}
    args.out.mkdir(parents=True, exist_ok=True)
    for split, pairs in make_splits(args.seed, sizes).items():
        write_tsv(args.out / f"{split}.tsv", pairs)


if __name__ == "__main__":
    main()
