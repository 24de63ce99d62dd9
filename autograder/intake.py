"""Turn what a student hands in (a folder, one .py file, a .zip, a notebook) into plain files.

Every refusal is an :class:`IntakeError` whose message is shown to the student: unsafe
archive members (absolute paths, ``..``, symbolic links), archives or folders that are too
big, files that are not what they claim to be, and a missing module. Nothing is extracted
outside the destination folder and nothing is followed through a link.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from .spec import Assignment

MAX_FILES = 200
MAX_TOTAL_BYTES = 20 * 1024 * 1024
SKIPPED_NAMES = {"__pycache__", "__MACOSX", ".git", ".ipynb_checkpoints", ".DS_Store"}


class IntakeError(Exception):
    """The submission cannot be graded as handed in; the message says why."""


def student_name(path: Path, assignment: Assignment) -> str:
    """Who a submission belongs to: the folder, archive or file name it came in."""
    path = Path(path)
    if path.suffix == ".py" and path.name in assignment.files:
        return path.resolve().parent.name
    return path.stem if path.suffix in (".py", ".zip", ".ipynb") else path.name


def unpack(source: Path, assignment: Assignment, dest: Path) -> str:
    """Write the submission's files into ``dest``; returns the content hash."""
    source = Path(source)
    dest.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        raise IntakeError(f"{source.name} is a symbolic link; hand in the file itself")
    if source.is_dir():
        _copy_folder(source, dest)
    elif not source.exists():
        raise IntakeError(f"{source} does not exist")
    elif source.suffix == ".zip":
        _extract_zip(source, dest)
    elif source.suffix == ".py":
        _copy_module(source, assignment, dest)
    elif source.suffix == ".ipynb":
        _convert_notebook(source, assignment, dest)
    else:
        raise IntakeError(f"{source.name}: hand in a folder, a .py file, a .zip or a notebook")
    _hoist_module_folder(dest, assignment)
    missing = [f for f in assignment.files if not (dest / f).is_file()]
    if missing:
        found = sorted(str(p.relative_to(dest)) for p in dest.rglob("*.py"))[:10]
        raise IntakeError(
            f"the submission has no {', '.join(missing)} (found: {', '.join(found) or 'no Python files'}); "
            f"name your file exactly {missing[0]}"
        )
    return content_hash(dest)


def content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class _Budget:
    """Counts files and bytes so that no submission can fill the disk."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def add(self, size: int, name: str) -> None:
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES:
            raise IntakeError(f"the submission has more than {MAX_FILES} files")
        if self.bytes > MAX_TOTAL_BYTES:
            raise IntakeError(f"the submission is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB (at {name})")


def folder_files(source: Path) -> Iterator[tuple[Path, Path]]:
    """The files intake takes from a folder, as (relative path, path), refusing links,
    special files and oversized folders; a cluster client ships exactly these."""
    budget = _Budget()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in SKIPPED_NAMES for part in relative.parts):
            continue
        if path.is_symlink():
            raise IntakeError(f"{relative} is a symbolic link; links are not accepted in submissions")
        if path.is_dir():
            continue
        if not path.is_file():
            raise IntakeError(f"{relative} is not a regular file")
        budget.add(path.stat().st_size, str(relative))
        yield relative, path


def _copy_folder(source: Path, dest: Path) -> None:
    for relative, path in folder_files(source):
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _copy_module(source: Path, assignment: Assignment, dest: Path) -> None:
    if source.name in assignment.files:
        name = source.name
    elif len(assignment.modules) == 1:
        name = assignment.modules[0] + ".py"
    else:
        raise IntakeError(f"{source.name} is not one of this assignment's files ({', '.join(assignment.files)})")
    _Budget().add(source.stat().st_size, source.name)
    shutil.copyfile(source, dest / name)


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, None for entries to skip; raises for unsafe names."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or (posix.parts and posix.parts[0].endswith(":")):
        raise IntakeError(f"the archive member {name!r} has an absolute path; archives must hold relative paths")
    if ".." in posix.parts:
        raise IntakeError(f"the archive member {name!r} points outside the archive ('..')")
    if any(part in SKIPPED_NAMES for part in posix.parts) or not posix.parts:
        return None
    return posix


def _extract_zip(source: Path, dest: Path) -> None:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IntakeError(f"{source.name} is not a readable zip archive ({exc})") from None
    budget = _Budget()
    with archive:
        for info in archive.infolist():
            relative = _safe_member_path(info.filename)
            if relative is None or info.is_dir():
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise IntakeError(f"the archive member {info.filename!r} is a symbolic link; links are not accepted")
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as member, open(target, "wb") as out:
                    # Count what is really extracted: the sizes in the header can lie.
                    while chunk := member.read(1 << 16):
                        budget.bytes += len(chunk)
                        if budget.bytes > MAX_TOTAL_BYTES:
                            raise IntakeError(
                                f"the archive expands to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
                        out.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise IntakeError(f"{source.name} is damaged: {info.filename} cannot be read ({exc})") from None
            except RuntimeError as exc:  # encrypted members
                raise IntakeError(f"{source.name}: {info.filename} cannot be read ({exc})") from None
            budget.add(0, info.filename)


def _convert_notebook(source: Path, assignment: Assignment, dest: Path) -> None:
    """A notebook's code cells become the module (:func:`autograder.cells.module_cells`:
    magics, shell escapes and the notebook's own use of the autograder left out)."""
    import nbformat

    from .cells import module_cells

    if len(assignment.modules) != 1:
        raise IntakeError("this assignment needs module files, not a notebook")
    _Budget().add(source.stat().st_size, source.name)
    try:
        notebook = nbformat.read(str(source), as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad files
        raise IntakeError(f"{source.name} is not a readable Jupyter notebook ({type(exc).__name__}: {exc})") from None
    cells = module_cells([str(cell.get("source", "")) for cell in notebook.cells if cell.get("cell_type") == "code"])
    (dest / (assignment.modules[0] + ".py")).write_text("\n".join(cell.rstrip("\n") + "\n" for cell in cells),
                                                       encoding="utf-8")


def _hoist_module_folder(dest: Path, assignment: Assignment) -> None:
    """Students often zip the folder rather than its contents: use the folder that holds
    the assignment's files when they are not at the top."""
    first = assignment.files[0]
    if (dest / first).is_file():
        return
    homes = {p.parent for p in dest.rglob(first) if p.is_file()}
    if len(homes) != 1:
        return
    home = homes.pop()
    staging = dest.parent / (dest.name + ".hoist")
    home.rename(staging)
    shutil.rmtree(dest)
    staging.rename(dest)
