"""The authoring guide stays true: the worked example's files, extracted from its code
blocks (```python file=PATH), make a course that ``validate`` passes line by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.spec import Course
from autograder.validate import validate

from conftest import ROOT

DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def extract(markdown: str, root: Path) -> list[Path]:
    """Write every ``file=`` block under ``root``; return the paths written."""
    written = []
    for path, body in BLOCK.findall(markdown):
        target = root / path
        assert not Path(path).is_absolute() and ".." not in Path(path).parts, f"{path}: stays in the course"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


def test_the_guide_links_the_worked_example():
    guide = (DOCS / "writing-an-assignment.md").read_text(encoding="utf-8")
    assert "(worked-example.md)" in guide
    assert "docs/writing-an-assignment.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_extraction_reads_what_a_block_holds(tmp_path):
    written = extract("text\n```python file=a/b.py\nx = 1\n\ny = 2\n```\nmore\n```yaml file=c.yaml\nk: v\n```\n",
                      tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == ["a/b.py", "c.yaml"]
    assert (tmp_path / "a/b.py").read_text() == "x = 1\n\ny = 2\n"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("worked-example")
    written = extract((DOCS / "worked-example.md").read_text(encoding="utf-8"), root)
    assert any(p.name == "rubric.yaml" for p in written) and any(p.parent.name == "mutants" for p in written)
    return Course(root)


def test_the_worked_example_validates(example):
    (assignment_id,) = example.assignment_ids()
    checks = validate(example.assignment(assignment_id), jobs=2)
    failures = [f"{c.kind} {c.name}: {c.problem}" for c in checks if not c.ok]
    assert not failures, "\n".join(failures)
    assert sum(c.kind == "mutant" for c in checks) >= 5
