"""Every concept of the course names the lecture section that teaches it, as the course's
lecture list (``../shared/LECTURES.md``, beside this checkout) writes it."""

from __future__ import annotations

import re

import pytest

from autograder.spec import Course

from conftest import ROOT

LECTURES = ROOT.parent / "shared" / "LECTURES.md"
FORM = re.compile(r"^(?P<lecture>\S+강) (?P<section>.+ \[\d+:\d\d(:\d\d)?\])$")


def lectures() -> dict[str, str]:
    """``{"6강": the text of lecture 6's part, ...}`` and the headers themselves."""
    parts: dict[str, str] = {}
    header = ""
    for line in LECTURES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            header = line[3:].strip()
            parts[header] = ""
        elif header:
            parts[header] += " " + line.strip()
    return parts


@pytest.mark.skipif(not LECTURES.is_file(), reason="the course's lecture list is not beside this checkout")
@pytest.mark.parametrize("assignment_id", Course(ROOT).assignment_ids())
def test_every_concept_names_a_section_of_the_lectures(course, assignment_id):
    parts = lectures()
    for concept in course.assignment(assignment_id).rubric().concepts:
        assert concept.lecture, f"{assignment_id}: concept {concept.id} names no lecture"
        if any(header.startswith(concept.lecture) for header in parts):  # a whole part (an assignment's own)
            continue
        match = FORM.match(concept.lecture)
        assert match, f"{assignment_id}.{concept.id}: {concept.lecture!r} is not 'N강 Section [mm:ss]'"
        headers = [h for h in parts if h.split()[0] == match["lecture"]]
        assert headers, f"{assignment_id}.{concept.id}: no lecture {match['lecture']}"
        text = " ".join(parts[h] for h in headers)
        assert match["section"] in " ".join(text.split()), (
            f"{assignment_id}.{concept.id}: {match['section']!r} is not a section of {match['lecture']}")
