"""The gradebook on a real PostgreSQL server, for staff who grade from several machines
into one gradebook. ``.ci/run`` starts a server (``.ci/postgres``) and names it in
``$AUTOGRADER_TEST_POSTGRES``; elsewhere these tests skip and say so."""

import os
import subprocess
import sys
import uuid

import pytest

from conftest import REFERENCE_TOY, TEST_COURSE

from autograder.gradebook import Gradebook

SERVER = os.environ.get("AUTOGRADER_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set $AUTOGRADER_TEST_POSTGRES to the SQLAlchemy URL of a role that "
                       "may create databases (.ci/postgres starts one and prints it)")


@pytest.fixture
def database():
    """A fresh, empty database on the server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"autograder_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_an_empty_database_is_not_a_gradebook_until_something_is_graded(database):
    from autograder.gradebook import GradebookMissing

    with pytest.raises(GradebookMissing):
        Gradebook.open(database, create=False)


def test_round_trip_and_idempotent_regrading(database):
    from test_gradebook import result

    with Gradebook.open(database) as book:
        book.record(result())
        book.record(result())
        book.record(result("bob", 0.0, data={"matrix": [[0.5, 0.5]]}))
        assert [r.student for r in book.results()] == ["alice", "bob"]
        assert book.results(student="bob") == [result("bob", 0.0, data={"matrix": [[0.5, 0.5]]})]
        assert book.graded_hashes("toy", "alice", "g1") == {"h1"}


def test_batches_from_several_processes_grade_into_one_database(database, tmp_path):
    """Three ``grade`` processes (as on three staff machines) start at once on an empty
    database: one creates the schema, all record, ``show`` reads it back."""
    batches = []
    for batch in range(3):
        folder = tmp_path / f"student{batch}"
        folder.mkdir()
        (folder / "toy.py").write_text(REFERENCE_TOY)
        batches.append(subprocess.Popen(
            [sys.executable, "-m", "autograder", "--course", str(TEST_COURSE), "grade", "toy", str(folder),
             "--no-warm", "--gradebook", database], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    for batch in batches:
        _, stderr = batch.communicate(timeout=300)
        assert batch.returncode == 0, stderr
        assert "***" in stderr and "autograder:autograder" not in stderr, "the password is not printed"
    show = subprocess.run([sys.executable, "-m", "autograder", "--course", str(TEST_COURSE), "show", "toy",
                           "--gradebook", database], capture_output=True, text=True, timeout=300)
    assert show.returncode == 0, show.stderr
    assert all(f"student{i}" in show.stdout for i in range(3))
    with Gradebook.open(database, create=False) as book:
        assert sorted(r.student for r in book.results("toy")) == ["student0", "student1", "student2"]
        assert all(r.score == r.max_score for r in book.results())
