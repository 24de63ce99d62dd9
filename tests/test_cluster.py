"""Grading on a Dask cluster gives what grading locally gives, and a broken worker costs
one submission, never the batch."""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from autograder import cluster as dask_grading
from autograder.batch import grade_many
from autograder.cluster import ClusterError, grade_parcel, pack

from conftest import REFERENCE_TOY, TEST_COURSE
from test_cli import autograder

PARTIAL = REFERENCE_TOY + "\ndef scale(values, factor):\n    return [v * factor for v in values]\n"


@pytest.fixture(scope="module")
def dask_client():
    """Two single-threaded worker processes; a task whose worker dies is not retried, so
    the test of a dying worker kills one worker, not one per retry."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
            Client(local, set_as_default=False) as client:
        yield client


@pytest.fixture
def cohort(tmp_path):
    """One submission of every shape intake accepts, plus ones it refuses."""
    def folder(name: str, source: str, filename: str = "toy.py") -> Path:
        (tmp_path / name).mkdir()
        (tmp_path / name / filename).write_text(source)
        return tmp_path / name

    zipped = tmp_path / "dave.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("dave/toy.py", PARTIAL)  # one wrapping folder
    single = tmp_path / "carol.py"
    single.write_text(REFERENCE_TOY)
    bulky = folder("frank", REFERENCE_TOY)
    (bulky / "weights.bin").write_bytes(os.urandom(dask_grading.SCATTER_ABOVE_BYTES + 1000))
    return [
        folder("alice", REFERENCE_TOY),
        TEST_COURSE / "assignments/toy",  # the stub
        single,
        zipped,
        folder("erin", REFERENCE_TOY) / "toy.py",  # named after its folder
        bulky,
        folder("mallory", "import os\nos._exit(0)\n"),
        folder("nobody", REFERENCE_TOY, filename="other.py"),  # rejected on the worker
        tmp_path / "ghost.zip",  # rejected on the client: it does not exist
    ]


def summary(result):
    return (result.submission, result.student, result.status, result.score, result.max_score, result.content_hash,
            [(t.name, t.status, t.score) for t in result.tests])


def test_cluster_grades_exactly_like_local(toy, cohort, dask_client):
    streamed = []
    on_cluster = grade_many(toy, cohort, cluster=dask_client, on_result=streamed.append)
    local = grade_many(toy, cohort, jobs=1)
    assert [summary(r) for r in on_cluster] == [summary(r) for r in local]
    assert [r.sandbox for r in on_cluster if r.tests] == [r.sandbox for r in local if r.tests]
    assert sorted(map(summary, streamed)) == sorted(map(summary, on_cluster))
    by_student = {r.student: r for r in on_cluster}
    assert set(by_student) == {"alice", "toy", "carol", "dave", "erin", "frank", "mallory", "nobody", "ghost"}
    assert {name: by_student[name].score for name in ("alice", "toy", "carol", "dave", "erin", "frank")} == \
        {"alice": 6, "toy": 0, "carol": 6, "dave": 5, "erin": 6, "frank": 6}
    assert by_student["mallory"].status == "graded" and by_student["mallory"].score == 0
    assert by_student["nobody"].status == by_student["ghost"].status == "rejected"
    assert "does not exist" in by_student["ghost"].output


def test_student_override_and_public_tests(toy, dask_client):
    reference = TEST_COURSE / "solutions/toy/reference"
    (graded,) = grade_many(toy, [reference], students=["zoe"], cluster=dask_client)
    assert (graded.student, graded.submission, graded.score) == ("zoe", str(reference), 6)
    (checked,) = grade_many(toy, [reference], public=True, cluster=dask_client)
    assert (checked.status, checked.score, checked.max_score) == ("graded", 1, 1)


def test_dead_worker_and_raising_task_cost_one_submission_each(toy, tmp_path, dask_client, monkeypatch):
    def sabotaged(assignment, parcel, *, submission, **kwargs):
        import os

        from autograder.cluster import grade_parcel  # the worker's own, unpatched

        if submission.endswith("doomed"):
            os._exit(1)
        if submission.endswith("raises"):
            raise RuntimeError("boom")
        return grade_parcel(assignment, parcel, submission=submission, **kwargs)

    monkeypatch.setattr(dask_grading, "grade_parcel", sabotaged)
    # One submission in flight at a time: a dying worker takes down every task it holds.
    monkeypatch.setattr(dask_grading, "MIN_IN_FLIGHT", 1)
    monkeypatch.setattr(dask_grading, "IN_FLIGHT_PER_THREAD", 0)
    sources = []
    for name in ("doomed", "raises", "fine"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "toy.py").write_text(REFERENCE_TOY)
        sources.append(tmp_path / name)
    doomed, raises, fine = grade_many(toy, sources, cluster=dask_client)
    assert doomed.status == "error" and "KilledWorker" in doomed.output and "not your fault" in doomed.output
    assert raises.status == "error" and "RuntimeError: boom" in raises.output
    assert (doomed.student, raises.student) == ("doomed", "raises")
    assert (fine.status, fine.score) == ("graded", 6)


def test_worker_without_the_course_says_which_path(toy, dask_client):
    elsewhere = dataclasses.replace(toy, solution_dir=Path("/nonexistent/course/solutions/toy"))
    (result,) = grade_many(elsewhere, [TEST_COURSE / "solutions/toy/reference"], cluster=dask_client)
    assert result.status == "error" and result.score == 0
    assert "/nonexistent/course/solutions/toy is missing" in result.output and "Dask worker" in result.output


def test_worker_with_other_graders_refuses(toy):
    parcel = pack(TEST_COURSE / "solutions/toy/reference")
    result = grade_parcel(toy, parcel, submission="reference", student="reference", public=False,
                          grader_hash="0" * 16, require_sandbox=False)
    assert result.status == "error" and "graders here differ" in result.output


def test_unreachable_scheduler_is_a_clear_error(toy, monkeypatch):
    monkeypatch.setattr(dask_grading, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        grade_many(toy, [TEST_COURSE / "solutions/toy/reference"], cluster="tcp://127.0.0.1:1")


def test_cli_grades_on_the_cluster_into_the_gradebook(tmp_path, dask_client):
    reference = TEST_COURSE / "solutions/toy/reference"
    partial = tmp_path / "bob"
    partial.mkdir()
    (partial / "toy.py").write_text(PARTIAL)
    book = str(tmp_path / "gb.db")
    address = dask_client.scheduler.address
    run = autograder("grade", "toy", str(reference), str(partial), "--cluster", address, "--json", "--gradebook", book)
    assert run.returncode == 0, run.stderr
    scores = {line["submission"]: line["score"] for line in map(json.loads, run.stdout.splitlines())}
    assert scores == {str(reference): 6, str(partial): 5}
    export = autograder("export", "--csv", "--gradebook", book)
    assert {"reference,6", "bob,5"} <= set(export.stdout.splitlines())
    again = autograder("grade", "toy", str(reference), str(partial), "--cluster", address, "--resume", "--gradebook", book)
    assert again.returncode == 0 and "2 of 2 already graded" in again.stderr
