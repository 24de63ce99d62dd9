"""Intake: every form of hand-in becomes plain files, every unsafe one is refused."""

import json
import os
import stat
import zipfile

import pytest

from autograder.intake import IntakeError, content_hash, student_name, unpack

GOOD = "def add(a, b):\n    return a + b\n"


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_folder_file_and_hash(toy, tmp_path):
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "toy.py").write_text(GOOD)
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "junk.pyc").write_bytes(b"x")
    digest = unpack(folder, toy, tmp_path / "out")
    assert (tmp_path / "out" / "toy.py").read_text() == GOOD
    assert not (tmp_path / "out" / "__pycache__").exists()
    assert digest == content_hash(tmp_path / "out")
    assert student_name(folder, toy) == "alice"


def test_single_file_is_renamed_to_the_module(toy, tmp_path):
    source = tmp_path / "bob.py"
    source.write_text(GOOD)
    unpack(source, toy, tmp_path / "out")
    assert (tmp_path / "out" / "toy.py").is_file()
    assert student_name(source, toy) == "bob"


def test_zip_with_a_wrapping_folder_is_hoisted(toy, tmp_path):
    archive = make_zip(tmp_path / "carol.zip", {"carol/toy.py": GOOD, "carol/notes.txt": "hi"})
    unpack(archive, toy, tmp_path / "out")
    assert (tmp_path / "out" / "toy.py").read_text() == GOOD
    assert student_name(archive, toy) == "carol"


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_path_traversal_is_refused(toy, tmp_path, member):
    archive = make_zip(tmp_path / "s.zip", {"toy.py": GOOD, member: "x"})
    with pytest.raises(IntakeError, match="absolute|outside"):
        unpack(archive, toy, tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()


def test_symlink_member_is_refused(toy, tmp_path):
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("toy.py", GOOD)
        info = zipfile.ZipInfo("link.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(IntakeError, match="symbolic link"):
        unpack(path, toy, tmp_path / "out")


def test_symlink_in_folder_is_refused(toy, tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "toy.py").write_text(GOOD)
    os.symlink("/etc/passwd", folder / "data.txt")
    with pytest.raises(IntakeError, match="symbolic link"):
        unpack(folder, toy, tmp_path / "out")


def test_zip_bomb_is_refused_by_what_it_really_expands_to(toy, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("toy.py", GOOD)
        archive.writestr("zeros.bin", b"\0" * (30 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(IntakeError, match="more than"):
        unpack(path, toy, tmp_path / "out")


def test_broken_zip_is_refused(toy, tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(IntakeError, match="not a readable zip"):
        unpack(path, toy, tmp_path / "out")


def test_missing_module_names_what_was_found(toy, tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "Toy.py").write_text(GOOD)
    with pytest.raises(IntakeError, match=r"no toy.py \(found: Toy.py\)"):
        unpack(folder, toy, tmp_path / "out")


def test_notebook_code_cells_become_the_module(toy, tmp_path):
    notebook = {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Toy", "id": "a"},
            {"cell_type": "code", "metadata": {}, "source": "%matplotlib inline\n" + GOOD,
             "outputs": [], "execution_count": None, "id": "b"},
            {"cell_type": "code", "metadata": {}, "source": "%%bash\necho hi\nls -l\n",
             "outputs": [], "execution_count": None, "id": "c"},
            {"cell_type": "code", "metadata": {}, "source": "!pip install numpy\nfiles = !ls\nLIMIT = 3\n"
             "from autograder import check\ncheck('toy')\n", "outputs": [], "execution_count": None, "id": "d"},
        ],
    }
    path = tmp_path / "dave.ipynb"
    path.write_text(json.dumps(notebook))
    unpack(path, toy, tmp_path / "out")
    code = (tmp_path / "out" / "toy.py").read_text()
    # IPython's input transformer reads the magics: a %%bash cell is not Python, whole.
    assert "return a + b" in code and "LIMIT = 3" in code
    for gone in ("matplotlib", "echo hi", "ls -l", "pip", "files", "check"):
        assert gone not in code, gone
    compile(code, "toy.py", "exec")


def test_notebook_that_is_not_json_is_refused(toy, tmp_path):
    path = tmp_path / "bad.ipynb"
    path.write_text("{ this is not json")
    with pytest.raises(IntakeError, match="not a readable Jupyter notebook"):
        unpack(path, toy, tmp_path / "out")
