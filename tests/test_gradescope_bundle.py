"""The Gradescope bundle: what the zip holds, and one real run of its run_autograder."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, TEST_COURSE

from autograder.gradescope_bundle import (
    build_bundle,
    bundle_files,
    finish,
    metadata_field,
    pick_submission,
    run_autograder_script,
)
from autograder.spec import Course

SCHEMA = json.loads((Path(__file__).parent / "data" / "gradescope_results.schema.json").read_text())


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    """A stand-in for the package's wheel: the zip only carries it."""
    path = tmp_path / "wheels" / "nlp_autograder-0.1.0-py3-none-any.whl"
    path.parent.mkdir()
    path.write_bytes(b"PK fake wheel")
    return path


@pytest.fixture
def two_assignments(tmp_path: Path) -> Course:
    """The toy course plus a second assignment, a variant, caches and a datasets folder."""
    root = tmp_path / "course"
    shutil.copytree(TEST_COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("assignments", "solutions"):
        shutil.copytree(root / part / "toy", root / part / "other")
    yaml = root / "assignments/other/assignment.yaml"
    yaml.write_text(yaml.read_text().replace("id: toy", "id: other"))
    (root / "solutions/toy/variants").mkdir()
    (root / "solutions/toy/variants/loop.py").write_text("# another correct answer\n")
    (root / "solutions/toy/graders/__pycache__").mkdir()
    (root / "solutions/toy/graders/__pycache__/test_toy.cpython-311.pyc").write_bytes(b"\0")
    (root / "datasets").mkdir()
    (root / "datasets/corpus.tsv").write_text("a\tb\n")
    return Course(root)


def names(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return archive.namelist()


def test_the_zip_holds_the_scripts_and_only_this_assignments_material(two_assignments, wheel, tmp_path):
    bundle = build_bundle(two_assignments.assignment("toy"), two_assignments.root, tmp_path / "toy.zip", wheel=wheel)
    listed = names(bundle)
    assert {"setup.sh", "run_autograder", "wheels/nlp_autograder-0.1.0-py3-none-any.whl",
            "course/assignments/toy/assignment.yaml", "course/assignments/toy/toy.py",
            "course/solutions/toy/rubric.yaml", "course/solutions/toy/graders/test_toy.py",
            "course/solutions/toy/graders/conftest.py", "course/solutions/toy/reference/toy.py",
            "course/solutions/toy/mutants/subtracts.py"} <= set(listed)
    assert not [n for n in listed if "other" in n], "another assignment's files leaked into the bundle"
    assert not [n for n in listed if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in listed if "/variants/" in n]
    assert not [n for n in listed if n.startswith("course/datasets")], "toy reads no dataset"
    assert all(n in ("setup.sh", "run_autograder") or n.startswith(("course/", "wheels/")) for n in listed)
    with zipfile.ZipFile(bundle) as archive:
        for name in ("setup.sh", "run_autograder"):
            assert (archive.getinfo(name).external_attr >> 16) & stat.S_IXUSR, f"{name} is not executable"
        setup = archive.read("setup.sh").decode()
        run = archive.read("run_autograder").decode()
    assert "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in setup
    assert '"$SOURCE"/wheels/*.whl' in setup
    assert "ASSIGNMENT=toy" in run and "--json --no-gradebook" in run and "--no-warm" in run


def test_the_same_course_makes_the_same_zip(two_assignments, wheel, tmp_path):
    toy = two_assignments.assignment("toy")
    first = build_bundle(toy, two_assignments.root, tmp_path / "a.zip", wheel=wheel).read_bytes()
    assert build_bundle(toy, two_assignments.root, tmp_path / "b.zip", wheel=wheel).read_bytes() == first


def test_datasets_go_in_when_the_assignment_names_them(two_assignments):
    grader = two_assignments.root / "solutions/toy/graders/test_toy.py"
    grader.write_text("from autograder import datasets\n" + grader.read_text())
    assert "course/datasets/corpus.tsv" in bundle_files(two_assignments.assignment("toy"), two_assignments.root)


def test_the_real_course_bundles_datasets_only_where_graders_read_them():
    course = Course(ROOT)
    a2 = bundle_files(course.assignment("a2_attention"), ROOT)
    a4 = bundle_files(course.assignment("a4_bleu"), ROOT)
    assert "course/datasets/dates/train.tsv" in a2 and "course/solutions/a2_attention/support" in {
        n.rsplit("/", 1)[0] for n in a2}
    assert not [n for n in a4 if n.startswith("course/datasets")]
    assert not [n for n in a4 if "a2_attention" in n or "/variants/" in n]


def test_metadata_names_the_student_and_the_submission_time():
    metadata = {"created_at": "2027-03-01T14:22:32.365935-07:00",
                "users": [{"name": "Kim Minji", "email": "minji@example.org", "id": 1},
                          {"name": "", "email": "lee@example.org", "id": 2}]}
    assert metadata_field(metadata, "student") == "Kim Minji, lee@example.org"
    assert metadata_field(metadata, "submitted_at") == "2027-03-01T14:22:32.365935-07:00"
    assert metadata_field({}, "student") == metadata_field({}, "submitted_at") == ""


def test_the_submission_is_the_folder_or_its_only_upload(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "hw.ipynb").write_text("{}")
    assert pick_submission(folder, ("toy.py",)) == folder / "hw.ipynb"
    (folder / "notes.zip").write_bytes(b"")
    assert pick_submission(folder, ("toy.py",)) == folder, "two candidates: intake says what is missing"
    (folder / "nested").mkdir()
    (folder / "nested" / "toy.py").write_text("")
    assert pick_submission(folder, ("toy.py",)) == folder


def test_finish_keeps_the_graded_line_and_explains_a_failure_to_start():
    line = json.dumps({"score": 1, "max_score": 2, "output": "x", "tests": []})
    kept = finish("some noise\n" + line + "\n", 0)
    assert kept["score"] == 1 and kept["output_format"] == "text"
    jsonschema.validate(kept, SCHEMA)
    failed = finish("", 2)
    jsonschema.validate(failed, SCHEMA)
    assert failed["score"] == 0 and "exit code 2" in failed["output"] and failed["status"] == "error"


def test_the_schema_rejects_what_gradescope_would():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"tests": [{"name": "no score anywhere"}]}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"score": 1, "tests": [{"score": 1, "status": "error"}]}, SCHEMA)


def test_the_language_is_baked_in_but_overridable():
    assert 'export AUTOGRADER_LANG="${AUTOGRADER_LANG:-ko}"' in run_autograder_script("a4_bleu", "ko")
    assert "AUTOGRADER_LANG=" not in run_autograder_script("a4_bleu")


def _unpack(bundle: Path, dest: Path) -> None:
    """Extract keeping each member's mode, as Gradescope's unzip does (zipfile does not)."""
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, dest))
            path.chmod((info.external_attr >> 16) & 0o777 or 0o644)


def test_run_autograder_grades_a_submission_into_gradescope_results(toy, wheel, tmp_path):
    root = tmp_path / "autograder"
    _unpack(build_bundle(toy, TEST_COURSE, tmp_path / "toy.zip", wheel=wheel), root / "source")
    (root / "submission").mkdir()
    shutil.copy(TEST_COURSE / "solutions/toy/reference/toy.py", root / "submission" / "toy.py")
    (root / "submission_metadata.json").write_text(json.dumps(
        {"created_at": "2027-03-01T14:22:32+09:00", "users": [{"name": "Kim Minji", "email": "m@example.org"}]}))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_LANG": "en",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("AUTOGRADER_COURSE", None)
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert results["status"] == "graded", results["output"]
    assert results["student"] == "Kim Minji"
    assert results["score"] == results["max_score"] == 6
    assert results["output_format"] == "text"
    # Each test's Gradescope visibility is the rubric's.
    assert {t["tags"][0]: t["visibility"] for t in results["tests"]} == {
        "addition": "visible", "scaling": "hidden", "callbacks": "after_due_date"}
    assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]
