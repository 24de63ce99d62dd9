"""A gradebook that loses nothing: batches killed at random points and resumed, and two
batches writing to one file at the same time."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import REFERENCE_TOY, TEST_COURSE

COMMAND = [sys.executable, "-m", "autograder", "--course", str(TEST_COURSE), "grade", "toy"]


def cohort(root, count, prefix="student"):
    folders = []
    for i in range(count):
        folder = root / f"{prefix}{i:02d}"
        folder.mkdir()
        (folder / "toy.py").write_text(REFERENCE_TOY + f"\n# {prefix} {i}\n")
        folders.append(str(folder))
    return folders


def rows(book):
    with sqlite3.connect(book) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT student, COUNT(*) FROM attempts GROUP BY student").fetchall()


def test_killed_batches_resume_to_exactly_one_row_each(tmp_path):
    submissions = cohort(tmp_path, 8)
    book = str(tmp_path / "gb.db")
    chooser = random.Random()
    for _ in range(3):  # kill at a random point, three times
        batch = subprocess.Popen(COMMAND + submissions + ["--jobs", "1", "--resume", "--gradebook", book],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(chooser.uniform(0.5, 2.5))
        os.killpg(batch.pid, signal.SIGKILL)
        batch.wait()
    finish = subprocess.run(COMMAND + submissions + ["--jobs", "1", "--resume", "--gradebook", book],
                            capture_output=True, text=True, timeout=300)
    assert finish.returncode == 0, finish.stderr
    counted = dict(rows(book))
    assert sorted(counted) == sorted(os.path.basename(s) for s in submissions)
    assert set(counted.values()) == {1}


def test_two_batches_share_one_gradebook(tmp_path):
    first, second = cohort(tmp_path, 4, "a"), cohort(tmp_path, 4, "b")
    book = str(tmp_path / "gb.db")
    batches = [subprocess.Popen(COMMAND + group + ["--jobs", "1", "--gradebook", book],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for group in (first, second)]
    for batch in batches:
        assert batch.wait(timeout=300) == 0, batch.stderr.read()
    assert len(rows(book)) == 8
