"""Hostile and broken submissions, graded as one batch into one gradebook.

Every one gets exactly one gradebook row with the score its honest behaviour earns (0 for
pure attacks), the rest of the batch is unaffected, nothing outside its workspace changes,
no grader source appears in what a student sees, and no process outlives the batch.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from autograder.batch import grade_many
from autograder.feedback.gradescope import to_gradescope
from autograder.gradebook import Gradebook
from autograder.sandbox import isolation

from conftest import REFERENCE_TOY, TEST_COURSE

NAMESPACES = isolation.best_available() != "none"
GRADER_SOURCE = (TEST_COURSE / "solutions/toy/graders/test_toy.py").read_text()
CANARY = Path("/tmp/autograder-hostile-canary")

# name -> (module source, extra files, points it honestly earns out of 6)
CASES: dict[str, tuple[str, dict[str, str], float]] = {
    "honest_reference": (REFERENCE_TOY, {}, 6),
    "slow_but_in_time": (REFERENCE_TOY.replace("return a + b", "import time; time.sleep(0.05)\n    return a + b"), {}, 6),
    "sitecustomize_and_pth": ("def add(a, b):\n    return 0\n", {
        "sitecustomize.py": "import builtins\nbuiltins.__import__ = None\n",
        "evil.pth": "import os; os._exit(0)\n",
    }, 0),
    "reads_grader_files": ("""
        import glob, os
        def add(a, b):
            found = []
            for pattern in ('/work/**/graders/*.py', '/tmp/**/test_toy.py', '/proc/*/cwd/**/test_toy.py', '/root/**/test_toy.py'):
                found += glob.glob(pattern, recursive=True)
            texts = [open(p).read() for p in found[:3]]
            print("\\n".join(texts))
            return texts
    """, {}, 0),
    "writes_outside": ("""
        import os
        def add(a, b):
            for path in ('/tmp/autograder-hostile-canary', '../escaped.txt', '/root/escaped.txt'):
                try:
                    open(path, 'w').write('owned')
                except OSError:
                    pass
            return None
    """, {}, 0),
    "signals_the_grader": ("""
        import os, signal
        def add(a, b):
            for target in (os.getppid(), 1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return None
    """, {}, 0),
    "segfault": ("import ctypes\ndef add(a, b):\n    return ctypes.string_at(0)\n", {}, 0),
    "ten_gigabytes": ("def add(a, b):\n    return bytearray(10 * 1024 ** 3)\n", {}, 0),
    "sleeps_forever": ("import time\ndef add(a, b):\n    time.sleep(3600)\n", {}, 0),
    "floods_output": ("def add(a, b):\n    print('x' * 10_000_000, end='')\n    return None\n", {}, 0),
    "many_children": ("""
        import os, time
        def add(a, b):
            for _ in range(50):
                if os.fork() == 0:
                    time.sleep(3600)
            return None
    """, {}, 0),
    "network": ("""
        import urllib.request
        def add(a, b):
            try:
                urllib.request.urlopen('http://pypi.org', timeout=2)
                return a + b
            except Exception:
                return None
    """, {}, 0),
    "shell": ("import os\ndef add(a, b):\n    os.system('kill -9 -1')\n    return None\n", {}, 0),
    "fifty_megabytes": ("def add(a, b):\n    return a + b\n", {"data.bin": "x" * (50 * 1024 * 1024)}, 0),
}


def processes_mentioning(text: str) -> set[int]:
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if text in Path(f"/proc/{pid}/cmdline").read_text(errors="ignore"):
                found.add(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory, toy):
    root = tmp_path_factory.mktemp("hostile")
    sources = []
    for name, (source, extra, _) in CASES.items():
        folder = root / name
        folder.mkdir()
        (folder / "toy.py").write_text(textwrap.dedent(source))
        for filename, text in extra.items():
            (folder / filename).write_text(text)
        sources.append(folder)
    CANARY.unlink(missing_ok=True)
    book = Gradebook(str(root / "gradebook.db"))
    # Workspaces (named in every student process's command line) go under this batch's
    # folder, so processes of this batch can be told from anyone else's.
    workspaces = root / "workspaces"
    workspaces.mkdir()
    saved, tempfile.tempdir = tempfile.tempdir, str(workspaces)
    try:
        results = grade_many(toy, sources, jobs=1, on_result=lambda r: book.record(r, to_gradescope(r)))
    finally:
        tempfile.tempdir = saved
    time.sleep(0.5)
    leftover = processes_mentioning(str(workspaces))
    rows = {row["student"]: row for row in book.attempts()}
    book.close()
    return {"root": root, "results": dict(zip(CASES, results)), "rows": rows, "leftover": leftover}


@pytest.mark.skipif(not NAMESPACES, reason="attacks on the host need a namespace sandbox to be contained")
@pytest.mark.parametrize("name", list(CASES))
def test_each_submission_earns_what_its_behaviour_earns(batch, name):
    result = batch["results"][name]
    expected = CASES[name][2]
    assert result.score == expected, (name, result.score, [(t.name, t.output[:200]) for t in result.tests])
    row = batch["rows"][name]
    assert row["score"] == expected
    visible = json.dumps(to_gradescope(result))
    for line in GRADER_SOURCE.splitlines():
        if len(line.strip()) > 30:
            assert line.strip() not in visible, f"grader source leaked into {name}'s feedback"


@pytest.mark.skipif(not NAMESPACES, reason="attacks on the host need a namespace sandbox to be contained")
def test_the_batch_leaves_nothing_behind(batch):
    assert len(batch["rows"]) == len(CASES), "exactly one gradebook row per submission"
    assert not CANARY.exists(), "a submission wrote outside its workspace"
    assert not (batch["root"] / "escaped.txt").exists()
    assert not batch["leftover"], f"processes outlived the batch: {batch['leftover']}"


def test_rejections_say_why(batch):
    assert batch["results"]["fifty_megabytes"].status == "rejected"
    assert "larger than" in batch["results"]["fifty_megabytes"].output
