"""Concurrent batches and readers on one SQLite gradebook while the CPUs are busy.

Four ``grade`` processes start at the same moment on a gradebook that does not exist yet
(so they race to create it), while other processes keep opening, reading and closing it
(so connections come and go while the WAL is in use), and every core is kept busy. Then
the same again on the now existing file. No process may fail, every attempt must be there
exactly once, and SQLite's integrity and foreign-key checks must pass.
"""

import os
import subprocess
import sys
import time

from conftest import REFERENCE_TOY, TEST_COURSE

from autograder.gradebook import Gradebook

BATCHES = 4
PER_BATCH = 3
ROUNDS = 2

READER = """
import sys, time
from pathlib import Path
from autograder.gradebook import Gradebook, GradebookMissing
book, stop = sys.argv[1], Path(sys.argv[2])
reads = 0
while not stop.exists():
    try:
        with Gradebook.open(book, create=False) as gradebook:
            gradebook.results()
            gradebook.export_csv(open("/dev/null", "w"))
            reads += 1
    except GradebookMissing:
        pass  # not created yet
    time.sleep(0.01)
print(reads)
"""


def burn_cpus() -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]


def test_concurrent_batches_and_readers_under_load(tmp_path):
    book = tmp_path / "gb.db"
    stop = tmp_path / "stop"
    burners = burn_cpus()
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(book), str(stop)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    expected = set()
    try:
        for round_ in range(ROUNDS):
            batches = []
            for batch in range(BATCHES):
                folders = []
                for i in range(PER_BATCH):
                    folder = tmp_path / f"r{round_}" / f"s{batch}_{i}"
                    folder.mkdir(parents=True)
                    (folder / "toy.py").write_text(REFERENCE_TOY + f"\n# round {round_}\n")
                    folders.append(str(folder))
                    expected.add((folder.name, round_))
                batches.append(folders)
            start = time.time() + 1.0
            processes = [subprocess.Popen(
                [sys.executable, "-c",
                 f"import time, sys; time.sleep(max(0, {start} - time.time()));"
                 "from autograder.cli import main; sys.exit(main(sys.argv[1:]))",
                 "--course", str(TEST_COURSE), "grade", "toy", *folders, "--jobs", "1", "--no-warm",
                 "--gradebook", str(book)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for folders in batches]
            for process in processes:
                _, stderr = process.communicate(timeout=600)
                assert process.returncode == 0, stderr
                assert "locked" not in stderr and "Traceback" not in stderr, stderr
    finally:
        stop.touch()
        for burner in burners:
            burner.kill()
            burner.wait()
    for reader in readers:
        output, stderr = reader.communicate(timeout=120)
        assert reader.returncode == 0, stderr
        assert int(output) > 0, "the readers read while the batches wrote"

    with Gradebook.open(str(book), create=False) as gradebook:
        assert gradebook.check_integrity() == []
        attempts = gradebook.attempts("toy")
        results = gradebook.results("toy")
    assert len(attempts) == BATCHES * PER_BATCH * ROUNDS
    assert {(a["student"], int(a["submission"].split("/r")[-1].split("/")[0])) for a in attempts} == expected
    assert all(r.status == "graded" and r.score == r.max_score and len(r.tests) == 5 for r in results)
