"""The batch layer: it records every result as it finishes, names each student once,
and ``--resume`` unpacks each submission once."""

from conftest import REFERENCE_TOY, TEST_COURSE

from autograder import batch, pipeline
from autograder.batch import grade_many
from autograder.gradebook import Gradebook


def test_results_are_recorded_by_the_batch_and_resume_unpacks_once(toy, tmp_path, monkeypatch):
    reference = TEST_COURSE / "solutions/toy/reference"
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "toy.py").write_text(REFERENCE_TOY + "\n# edited\n")
    seen = []
    with Gradebook.open(str(tmp_path / "gb.db")) as book:
        first = grade_many(toy, [reference], gradebook=book, on_result=lambda r: seen.append(book.count()))
        assert seen == [1], "the result is in the gradebook before on_result sees it"
        assert [r.status for r in first] == ["graded"]

        unpacked, named = [], []
        real_unpack, real_name = pipeline.unpack, batch.student_name
        monkeypatch.setattr(pipeline, "unpack", lambda source, *a: unpacked.append(source) or real_unpack(source, *a))
        monkeypatch.setattr(batch, "student_name", lambda source, a: named.append(source) or real_name(source, a))
        monkeypatch.setattr(pipeline, "student_name", lambda *a: named.append("again") or real_name(*a))
        results = grade_many(toy, [reference, changed], gradebook=book, resume=True)
        assert [r.status for r in results] == ["skipped", "graded"]
        assert sorted(map(str, unpacked)) == sorted([str(reference), str(changed)]), "each unpacked once"
        assert named == [reference, changed], "each name computed once"
        assert [(a["student"], a["status"]) for a in book.attempts()] == [("changed", "graded"), ("reference", "graded")]


def test_validate_records_nothing(toy, tmp_path, monkeypatch):
    from autograder.validate import validate

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTOGRADER_GRADEBOOK", str(tmp_path / "never.db"))
    assert all(check.ok for check in validate(toy, jobs=1))
    assert not list(tmp_path.iterdir())
