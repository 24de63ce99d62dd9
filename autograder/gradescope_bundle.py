"""A Gradescope autograder bundle for one assignment: ``autograder gradescope ID -o FILE``.

Gradescope takes a zip holding ``setup.sh`` (run once, as root, when it builds the
grading image on Ubuntu) and ``run_autograder`` (run per submission, from ``/autograder``:
the submission is in ``/autograder/submission/``, the bundle's files in
``/autograder/source/``, the results go to ``/autograder/results/results.json``; see
https://gradescope-autograders.readthedocs.io/en/latest/specs/). The bundle holds:

- ``setup.sh``: a venv with the CPU build of torch, then this package from ``wheels/``;
- ``run_autograder``: ``autograder grade ID ... --json --no-gradebook``, whose line is
  Gradescope's results format already (:mod:`.feedback.gradescope`: every test's
  ``visibility`` comes from the rubric), the student named from
  ``submission_metadata.json`` and dated by its ``created_at``;
- ``course/``: this assignment's ``assignments/ID/`` and ``solutions/ID/`` (without the
  ``variants/`` only ``validate`` uses), ``datasets/`` when its files mention them, and the
  course's ``autograder.yaml`` if there is one. No other assignment's files.

The same module runs inside the image (``python3 -m autograder.gradescope_bundle``) for
what bash does badly: reading the metadata's JSON, choosing the submission's file, and
always leaving a ``results.json`` that Gradescope can read, even when grading could not
start.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from .i18n import LANGUAGES, Translator, english, translator
from .spec import Assignment, Course

__all__ = ["TORCH", "BundleError", "build_bundle", "bundle_files", "finish", "main", "metadata_field", "pick_submission",
           "read_metadata", "register", "run", "run_autograder_script", "setup_script", "uses_datasets"]

TORCH = "torch==2.13.0"
"""The torch setup.sh installs from PyTorch's CPU index (the CUDA build is several GB)."""
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
SKIPPED = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".DS_Store", ".git", "__MACOSX"}
INSTRUCTOR_ONLY = {"variants"}
"""Folders of ``solutions/ID/`` that grading never reads (``validate`` and ``try`` do)."""
SUBMISSION_SUFFIXES = (".py", ".zip", ".ipynb")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # a fixed date: the same course makes the same zip

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the grading image (Ubuntu): a venv
# with the CPU build of torch, then the autograder from the wheel in this bundle.
set -euxo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="${AUTOGRADER_SOURCE:-$ROOT/source}"
VENV="${AUTOGRADER_VENV:-$ROOT/venv}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip libseccomp2
python3 -m venv "$VENV"
"$VENV/bin/python3" -m pip install --upgrade pip
# torch first, from the CPU index: a plain `pip install torch` pulls the CUDA build.
"$VENV/bin/python3" -m pip install @TORCH@ --index-url @TORCH_INDEX@
"$VENV/bin/python3" -m pip install "$SOURCE"/wheels/*.whl
# The course must load here, not at the first submission.
"$VENV/bin/python3" -m autograder --course "$SOURCE/course" list
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this once per submission, from /autograder. It grades the submission
# with this bundle's course and always writes results/results.json. Every path can be
# moved by an environment variable, to run it outside Gradescope.
set -uo pipefail
ASSIGNMENT=@ASSIGNMENT@
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="${AUTOGRADER_SOURCE:-$ROOT/source}"
SUBMISSION="${AUTOGRADER_SUBMISSION:-$ROOT/submission}"
RESULTS="${AUTOGRADER_RESULTS:-$ROOT/results}"
METADATA="${AUTOGRADER_METADATA:-$ROOT/submission_metadata.json}"
VENV="${AUTOGRADER_VENV:-$ROOT/venv}"
COURSE="$SOURCE/course"
# setup.sh installed the autograder in $VENV; without it, python3 comes from PATH.
if [ -x "$VENV/bin/python3" ]; then PATH="$VENV/bin:$PATH"; fi
export AUTOGRADER_COURSE="$COURSE" AUTOGRADER_DATASETS="$COURSE/datasets"
@LANGUAGE@
mkdir -p "$RESULTS"
cd "$SOURCE" || exit 1
helper() { python3 -m autograder.gradescope_bundle "$@"; }

student=$(helper metadata student "$METADATA")
submitted_at=$(helper metadata submitted_at "$METADATA")
submission=$(helper submission "$SUBMISSION" "$COURSE" "$ASSIGNMENT")
# One submission per container: a warm worker (torch imported, to fork students from)
# would only add its own start-up.
args=(--course "$COURSE" grade "$ASSIGNMENT" "${submission:-$SUBMISSION}" --json --no-gradebook --no-warm
      --jobs 1)
if [ -n "$student" ]; then args+=(--student "$student"); fi
if [ -n "$submitted_at" ]; then args+=(--submitted-at "$submitted_at"); fi

lines=$(mktemp)
python3 -m autograder "${args[@]}" > "$lines"
code=$?
# Without Python nothing can be translated: this last resort is in English.
helper finish "$lines" "$code" > "$RESULTS/results.json.part" || printf '%s\\n' \\
  '{"score": 0, "output": "The autograder could not run; tell the course staff.", "tests": [], "status": "error"}' \\
  > "$RESULTS/results.json.part"
mv "$RESULTS/results.json.part" "$RESULTS/results.json"
rm -f "$lines"
"""


class BundleError(Exception):
    """The bundle cannot be built (no wheel, a missing folder); nothing was written."""


# --------------------------------------------------------------------------- building


def setup_script(torch: str = TORCH) -> str:
    return SETUP_SH.replace("@TORCH@", shlex.quote(torch)).replace("@TORCH_INDEX@", TORCH_INDEX)


def run_autograder_script(assignment_id: str, language: str | None = None) -> str:
    """``run_autograder`` for one assignment; ``language`` (en, ko) is the feedback's
    default there (``$AUTOGRADER_LANG`` still overrides it), else the image's locale."""
    line = f'export AUTOGRADER_LANG="${{AUTOGRADER_LANG:-{language}}}"' if language else ""
    return RUN_AUTOGRADER.replace("@ASSIGNMENT@", shlex.quote(assignment_id)).replace("@LANGUAGE@", line)


def uses_datasets(assignment: Assignment) -> bool:
    """Whether any file of the assignment names ``datasets``: then ``datasets/`` goes
    whole into the bundle (which file a grader opens cannot be told from outside)."""
    folders = [assignment.directory] + ([assignment.solution_dir] if assignment.solution_dir else [])
    return any(b"datasets" in path.read_bytes().lower() for folder in folders for path in _walk(folder))


def bundle_files(assignment: Assignment, course_root: Path) -> dict[str, Path]:
    """``course/...`` name in the zip -> file on disk: what grading this assignment reads."""
    if assignment.solution_dir is None:
        raise BundleError(f"{assignment.id}: solutions/{assignment.id}/ is not in {course_root}: a Gradescope "
                          "bundle needs the graders")
    course_root = Path(course_root)
    files: dict[str, Path] = {}

    def add(folder: Path, prefix: str, skip: Collection[str] = ()) -> None:
        for path in _walk(folder, skip):
            files[f"course/{prefix}/{path.relative_to(folder).as_posix()}"] = path

    add(assignment.directory, f"assignments/{assignment.directory.name}")
    add(assignment.solution_dir, f"solutions/{assignment.solution_dir.name}", INSTRUCTOR_ONLY)
    if (course_root / "datasets").is_dir() and uses_datasets(assignment):
        add(course_root / "datasets", "datasets")
    for config in ("autograder.yaml", "autograder.yml"):
        if (course_root / config).is_file():
            files[f"course/{config}"] = course_root / config
    return files


def build_bundle(assignment: Assignment, course_root: Path, out: Path, *, wheel: Path | None = None,
                 lang: str | None = None, torch: str = TORCH) -> Path:
    """Write the Gradescope zip for ``assignment`` to ``out`` and return its path.

    ``wheel`` is this package's wheel; without one it is built from the source tree this
    module was imported from (``pip wheel --no-deps``). ``lang`` is the feedback's
    language on Gradescope (default: the image's locale, i.e. English)."""
    out = Path(out)
    files = bundle_files(assignment, Path(course_root))
    with tempfile.TemporaryDirectory(prefix="autograder-bundle-") as tmp:
        wheel = Path(wheel) if wheel is not None else _build_wheel(Path(tmp))
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise BundleError(f"{wheel}: not a wheel file (.whl)")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            _write(bundle, "setup.sh", setup_script(torch).encode(), 0o755)
            _write(bundle, "run_autograder", run_autograder_script(assignment.id, lang).encode(), 0o755)
            _write(bundle, f"wheels/{wheel.name}", wheel.read_bytes(), 0o644)
            for name, path in sorted(files.items()):
                if path.resolve() != out.resolve():
                    _write(bundle, name, path.read_bytes(), 0o644)
        os.replace(partial, out)
    return out


def _walk(folder: Path, skip: Collection[str] = ()) -> Iterator[Path]:
    """Files under ``folder``, sorted, without caches and the ``skip`` folders at its top."""
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and not SKIPPED.intersection(parts) and path.suffix != ".pyc" and parts[0] not in skip:
            yield path


def _write(bundle: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.create_system = 3  # Unix: unzip keeps the mode, so run_autograder stays executable
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def _build_wheel(dest: Path) -> Path:
    project = Path(__file__).resolve().parents[1]
    if not (project / "pyproject.toml").is_file():
        raise BundleError(f"{project} is not the autograder's source tree (no pyproject.toml), so no wheel can be "
                          "built here: pass --wheel FILE")
    # Built from a copy: pip builds a local folder in place, leaving build/ in the checkout.
    source = dest / "source"
    shutil.copytree(project / "autograder", source / "autograder", ignore=shutil.ignore_patterns(*SKIPPED, "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(project / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest), str(source)],
                          capture_output=True, text=True, check=False)
    wheels = sorted(dest.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        raise BundleError(f"pip wheel failed on {project} (pass --wheel FILE to use a wheel built "
                          f"elsewhere):\n{done.stderr.strip()[-2000:]}")
    return wheels[0]


# --------------------------------------------------------------------------- inside the image


def read_metadata(path: Path) -> dict:
    """Gradescope's ``submission_metadata.json`` as a dict ({} when absent or unreadable:
    grading goes on under the folder's name)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def metadata_field(metadata: dict, field: str) -> str:
    """``student``: the submitters' names (else e-mails), comma-separated for a group;
    ``submitted_at``: when the student submitted (kept on regrades, unlike file dates)."""
    if field == "submitted_at":
        return str(metadata.get("created_at") or "")
    users = metadata.get("users") if isinstance(metadata.get("users"), list) else []
    names = [str(u.get("name") or u.get("email") or "").strip() for u in users if isinstance(u, dict)]
    return ", ".join(name for name in names if name)


def pick_submission(folder: Path, files: tuple[str, ...]) -> Path:
    """What to grade in Gradescope's submission folder: the folder itself when it holds
    the assignment's module anywhere, else its only ``.zip``, notebook or ``.py`` file (a
    student who uploaded ``hw.ipynb``); intake explains whatever is still missing."""
    folder = Path(folder)
    if any(next(folder.rglob(name), None) is not None for name in files):
        return folder
    candidates = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in SUBMISSION_SUFFIXES
                  and not p.name.startswith(".")] if folder.is_dir() else []
    return candidates[0] if len(candidates) == 1 else folder


def finish(lines: str, exit_code: int, tr: Translator | None = None) -> dict:
    """The ``results.json`` object: the last line ``grade --json`` printed, told that its
    ``output`` is plain text (Gradescope reads the top level as HTML by default, and
    would drop a traceback's ``<module>``); or, when grading never started (a broken
    rubric, a refused sandbox), a 0 that says why is not the student's doing."""
    tr = tr or english()
    for line in reversed(lines.splitlines()):
        try:
            result = json.loads(line)
        except ValueError:
            continue
        if isinstance(result, dict) and "tests" in result:
            result.setdefault("output_format", "text")
            return result
    return {
        "score": 0.0,
        "output": tr("The autograder failed before grading this submission (exit code {code}). This is not "
                     "your doing: tell the course staff, who will regrade it.").format(code=exit_code),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
        "status": "error",
    }


def main(argv: list[str] | None = None) -> int:
    """``run_autograder``'s helpers: ``metadata FIELD FILE``, ``submission FOLDER COURSE
    ID`` and ``finish LINES EXIT_CODE``; each prints its answer on stdout."""
    parser = argparse.ArgumentParser(prog="python3 -m autograder.gradescope_bundle")
    helpers = parser.add_subparsers(dest="helper", required=True)
    metadata = helpers.add_parser("metadata")
    metadata.add_argument("field", choices=("student", "submitted_at"))
    metadata.add_argument("file")
    submission = helpers.add_parser("submission")
    submission.add_argument("folder")
    submission.add_argument("course")
    submission.add_argument("assignment")
    done = helpers.add_parser("finish")
    done.add_argument("lines")
    done.add_argument("exit_code", type=int)
    args = parser.parse_args(argv)
    if args.helper == "metadata":
        print(metadata_field(read_metadata(Path(args.file)), args.field))
    elif args.helper == "submission":
        assignment = Course(Path(args.course)).assignment(args.assignment)
        print(pick_submission(Path(args.folder), assignment.files))
    else:
        text = Path(args.lines).read_text(encoding="utf-8", errors="replace")
        tr = translator(None)  # $AUTOGRADER_LANG, set by run_autograder
        print(json.dumps(finish(text, args.exit_code, tr), ensure_ascii=tr.english))
    return 0


# --------------------------------------------------------------------------- command line


def register(verb: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add ``autograder gradescope ID [-o FILE] [--wheel FILE] [--lang]``."""
    gradescope = verb("gradescope", "write a Gradescope autograder zip for one assignment (setup.sh, run_autograder, "
                                    "its graders and data, this package as a wheel)")
    gradescope.add_argument("assignment")
    gradescope.add_argument("--output", "-o", metavar="FILE", help="the zip to write (default: ID-gradescope.zip)")
    gradescope.add_argument("--wheel", metavar="FILE", help="this package's wheel to put in the zip (default: built "
                                                            "from this checkout with pip wheel)")
    gradescope.add_argument("--lang", choices=LANGUAGES, help="the feedback's language on Gradescope, and of this "
                                                              "command's messages (default: English)")
    gradescope.set_defaults(run=run)


def run(args: argparse.Namespace, course: Course) -> int:
    """Build the zip; 2 (a usage error) when the assignment, its graders or the wheel are
    missing."""
    from .cli import Exit, UsageError, err

    assignment = course.assignment(args.assignment)
    assignment.rubric()  # a broken rubric stops here, not at the first student's upload
    if args.wheel and not Path(args.wheel).is_file():
        raise UsageError(f"no such wheel: {args.wheel}")
    tr = translator(args.lang, [assignment.solution_dir, assignment.directory])
    out = Path(args.output or f"{assignment.id}-gradescope.zip")
    try:
        build_bundle(assignment, course.root, out, wheel=Path(args.wheel) if args.wheel else None, lang=args.lang)
    except BundleError as exc:
        raise UsageError(str(exc)) from None
    err.print(tr("wrote {file}").format(file=out), soft_wrap=True)
    err.print(tr("Upload it as the assignment's autograder on Gradescope; every test's visibility comes from "
                 "the rubric."))
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
