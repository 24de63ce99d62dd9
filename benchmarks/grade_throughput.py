"""Grading throughput on one assignment: seconds per submission, inline and on a pool.

    python benchmarks/grade_throughput.py [--assignment a4_bleu] [--copies 20] [--submission PATH]

Prints, from one run: seconds per submission with 1 worker and with N workers, the
graders' own time per submission (the sum of test durations, the floor), and the
framework's overhead above that floor. Compare ratios, not absolute seconds: the
machines are shared.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from autograder.batch import default_jobs, grade_many
from autograder.spec import Course


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignment", default="a4_bleu")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--submission", help="default: the assignment's reference answer")
    args = parser.parse_args()

    assignment = Course.locate().assignment(args.assignment)
    source = Path(args.submission) if args.submission else assignment.reference
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for i in range(args.copies):
            copies.append(Path(tmp) / f"student{i:03d}")
            shutil.copytree(source, copies[-1])
        rows = []
        for jobs in sorted({1, default_jobs()}):
            started = time.perf_counter()
            results = grade_many(assignment, copies, jobs=jobs)
            wall = time.perf_counter() - started
            assert all(r.status == "graded" for r in results), [r.output for r in results if r.status != "graded"]
            floor = statistics.mean(sum(t.duration for t in r.tests) for r in results)
            rows.append((jobs, wall / len(copies), floor, statistics.mean(r.execution_time for r in results)))
    print(f"{assignment.id}: {args.copies} copies of {source}")
    print(f"{'workers':>8} {'s/submission':>13} {'tests s/sub':>12} {'latency s':>10} {'overhead s':>11}")
    for jobs, per_submission, floor, latency in rows:
        print(f"{jobs:>8} {per_submission:>13.3f} {floor:>12.3f} {latency:>10.3f} {latency - floor:>11.3f}")
    if len(rows) == 2:
        print(f"speed-up with {rows[1][0]} workers: {rows[0][1] / rows[1][1]:.2f}x")


if __name__ == "__main__":
    main()
