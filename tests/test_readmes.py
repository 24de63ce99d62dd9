"""Every assignment speaks to its students in English and Korean: README.ko.md has the
English README's sections and code, in Korean."""

from __future__ import annotations

import re

import pytest

from autograder.spec import Course

from conftest import ROOT

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def headings(text: str) -> list[int]:
    """The level of every heading outside code blocks, in order."""
    return [len(line) - len(line.lstrip("#")) for line in FENCE.sub("", text).splitlines()
            if re.match(r"#{1,6} ", line)]


@pytest.mark.parametrize("assignment_id", Course(ROOT).assignment_ids())
def test_the_korean_readme_has_the_english_sections(assignment_id):
    folder = ROOT / "assignments" / assignment_id
    english = (folder / "README.md").read_text(encoding="utf-8")
    korean_path = folder / "README.ko.md"
    assert korean_path.is_file(), f"{assignment_id} has no README.ko.md"
    korean = korean_path.read_text(encoding="utf-8")
    assert headings(korean) == headings(english), f"{assignment_id}: the sections differ"
    assert len(FENCE.findall(korean)) == len(FENCE.findall(english)), f"{assignment_id}: the code blocks differ"
    hangul = sum("\uac00" <= ch <= "\ud7a3" for ch in korean)
    assert hangul > len(korean) / 10, f"{assignment_id}: README.ko.md is hardly Korean"
    assert "TODO" not in korean
