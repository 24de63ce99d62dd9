"""Extract the verse-aligned English-Spanish Bible sample (en-es.tsv) from Debian's SWORD modules.

Why this corpus: the King James Version (1769 text) and the Reina-Valera 1909 are in the
public domain (datasets/README.md quotes the modules' licence statements, including the
KJV's British printing patent), both SWORD modules use the same (KJV) versification, so
verse n of one is verse n of the other, and a verse is about a sentence long: real
parallel text that needs no download at grading time.

This script runs once, at development time; the tests and CI only read its output.
It needs Debian's packages (checked with ``apt-cache policy``):

    apt-get install -y diatheke sword-text-kjv sword-text-sparv

which install the SWORD modules ``engKJV2006eb`` (abbreviation KJV) and ``spaRV1909eb``
(abbreviation RV1909). diatheke only accepts the module names, not the abbreviations
(``diatheke -b KJV ...`` prints nothing). Each module is read with one command:

    diatheke -b engKJV2006eb -f internal -k Gen 1:1-Rev 22:21
    diatheke -b spaRV1909eb  -f internal -k Gen 1:1-Rev 22:21

``-f internal`` prints each verse's raw OSIS markup on one line, "<preverse>Book C:V: <text>",
so that markup is removed by the rules below rather than by diatheke's renderers (its
``plain`` output repeats a psalm's title before every verse of the psalm and leaves Strong's
numbers such as "<G5547>" in the Spanish text).

Cleaning, per verse:
1. everything before the "Book C:V: " reference (psalm titles, line-group markers) is dropped;
2. ``<title>...</title>`` (headings) and ``<note>...</note>`` (footnotes) are dropped with
   their text;
3. every other tag is removed and its text kept (``<w savlm="strong:...">`` words with
   Strong's numbers, ``<transChange>`` words the translators added, ``<divineName>``,
   ``<q>``, ``<l>``, ``<lg>``, ``<seg>``, ``<milestone>``, ``<div>``, ``<chapter>``);
   the text of ``<divineName>`` is upper-cased, except a possessive "’s" (printed KJVs set
   it in small capitals; 7055 of the module's 7066 are already "LORD", "GOD", "JEHOVAH",
   ten read "Lord" and one "Jah");
4. USFM markers left over from the modules' conversion (the KJV has ``\\nd`` before "LORD"
   in 27 verses) and the pilcrow (paragraph mark) ``¶`` are dropped, XML entities are
   decoded, and every run of whitespace becomes one space. Otherwise casing and punctuation
   are the modules' own (the RV1909 sets the first word of a chapter in capitals, "EN el
   principio"; its circumflexes, "Achâb", are the 1909 spelling).

Selection: pairs whose both sides have ``--min-words``..``--max-words`` whitespace-separated
words (default 3..40), keeping only the first occurrence of a repeated (english, spanish)
pair; then ``--pairs`` of them (default 4000) at evenly spaced positions of the canonical
order (index ``i * eligible // pairs``), so every part of the Bible is represented and no
random numbers are involved.

Output: one line per verse, ``<osis id>\\t<english>\\t<spanish>`` (e.g. ``Gen.1.1``), in
canonical book order, UTF-8, ``\\n`` line ends.

    python datasets/bible/extract.py            # rewrites datasets/bible/en-es.tsv
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
from pathlib import Path

ENGLISH_MODULE = "engKJV2006eb"
SPANISH_MODULE = "spaRV1909eb"
WHOLE_BIBLE = "Gen 1:1-Rev 22:21"

# The 66 books in canonical (KJV) order, by OSIS abbreviation.
OSIS_BOOKS = (
    "Gen Exod Lev Num Deut Josh Judg Ruth 1Sam 2Sam 1Kgs 2Kgs 1Chr 2Chr Ezra Neh Esth Job Ps "
    "Prov Eccl Song Isa Jer Lam Ezek Dan Hos Joel Amos Obad Jonah Mic Nah Hab Zeph Hag Zech Mal "
    "Matt Mark Luke John Acts Rom 1Cor 2Cor Gal Eph Phil Col 1Thess 2Thess 1Tim 2Tim Titus Phlm "
    "Heb Jas 1Pet 2Pet 1John 2John 3John Jude Rev"
).split()
VERSE_COUNT = 31102  # verses in the KJV versification

REFERENCE = re.compile(r"(?P<book>\S.*?) (?P<chapter>\d+):(?P<verse>\d+): ")
DROPPED_ELEMENTS = re.compile(r"<(title|note)\b[^>]*>.*?</\1>", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
DIVINE_NAME = re.compile(r"<divineName>(.*?)</divineName>", re.DOTALL)
USFM_MARKER = re.compile(r"\\\+?[a-z]+\d*\*?")  # e.g. "\\nd", left over from the modules' USFM sources


def clean(markup: str) -> str:
    """A verse's OSIS markup -> plain text, by rules 2-4 of the module docstring."""
    text = DROPPED_ELEMENTS.sub(" ", markup)
    text = DIVINE_NAME.sub(lambda m: TAG.sub("", m[1]).upper().replace("\u2019S", "\u2019s"), text)
    text = USFM_MARKER.sub(" ", TAG.sub("", text))
    text = html.unescape(text).replace("\u00b6", " ")
    return " ".join(text.split())


def read_module(module: str) -> list[tuple[str, str, str, str]]:
    """(book name, chapter, verse, text) for every verse of the module, in canonical order."""
    output = subprocess.run(["diatheke", "-b", module, "-f", "internal", "-k", WHOLE_BIBLE],
                            capture_output=True, text=True, encoding="utf-8", check=True).stdout
    verses = []
    for line in output.split("\n"):
        if not line.strip() or line.strip() == f"({module})":
            continue
        # Preverse markup (psalm titles) comes first; they hold no "C:V: " reference.
        untitled = DROPPED_ELEMENTS.sub(" ", line)
        match = REFERENCE.search(TAG.sub("", untitled))
        if match is None:
            raise RuntimeError(f"{module}: no verse reference in line {line[:120]!r}")
        plain_prefix = TAG.sub("", untitled)[:match.start()].strip()
        if plain_prefix:
            raise RuntimeError(f"{module}: unexpected text before the reference: {plain_prefix!r}")
        # Cut the markup right after the reference text, wherever tags sit around it.
        reference = match.group(0)
        body = untitled[untitled.index(reference) + len(reference):]
        verses.append((match["book"], match["chapter"], match["verse"], clean(body)))
    if len(verses) != VERSE_COUNT:
        raise RuntimeError(f"{module}: expected {VERSE_COUNT} verses, read {len(verses)}")
    return verses


def osis_ids(verses: list[tuple[str, str, str, str]]) -> list[str]:
    """"Gen.1.1"-style ids: the n-th book name met is the n-th OSIS book."""
    names: list[str] = []
    ids = []
    for book, chapter, verse, _ in verses:
        if not names or names[-1] != book:
            names.append(book)
        ids.append(f"{OSIS_BOOKS[len(names) - 1]}.{chapter}.{verse}")
    if len(names) != len(OSIS_BOOKS):
        raise RuntimeError(f"expected {len(OSIS_BOOKS)} books, found {len(names)}: {names}")
    return ids


def select(rows: list[tuple[str, str, str]], pairs: int, min_words: int, max_words: int) -> list[tuple[str, str, str]]:
    """Short, distinct pairs, then ``pairs`` of them evenly spaced in canonical order."""
    seen: set[tuple[str, str]] = set()
    eligible = []
    for verse_id, english, spanish in rows:
        if all(min_words <= len(side.split()) <= max_words for side in (english, spanish)) \
                and (english, spanish) not in seen:
            seen.add((english, spanish))
            eligible.append((verse_id, english, spanish))
    if len(eligible) < pairs:
        raise RuntimeError(f"only {len(eligible)} eligible pairs, {pairs} requested")
    print(f"{len(eligible)} eligible pairs")
    return [eligible[i * len(eligible) // pairs] for i in range(pairs)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "en-es.tsv")
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--min-words", type=int, default=3)
    parser.add_argument("--max-words", type=int, default=40)
    args = parser.parse_args(argv)

    english = read_module(ENGLISH_MODULE)
    spanish = read_module(SPANISH_MODULE)
    for e, s in zip(english, spanish):
        if e[:3] != s[:3]:
            raise RuntimeError(f"the modules' verses are not aligned: {e[:3]} vs {s[:3]}")
    rows = [(verse_id, e[3], s[3]) for verse_id, e, s in zip(osis_ids(english), english, spanish)]
    for verse_id, *sides in rows:
        for side in sides:
            if any(c in side for c in "<>\\\t\u00b6"):
                raise RuntimeError(f"{verse_id}: markup left after cleaning: {side!r}")
    chosen = select(rows, args.pairs, args.min_words, args.max_words)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        for row in chosen:
            out.write("\t".join(row) + "\n")
    print(f"{len(rows)} verses, wrote {len(chosen)} pairs to {args.out}")


if __name__ == "__main__":
    main()
