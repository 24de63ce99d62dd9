"""How a student process (fresh, or a warm worker) is launched: its code, its command
line and its environment.

The student process gets its code on the command line, not from files: there is nothing
on disk that one submission could modify to change how the next one is run.
"""

from __future__ import annotations

import ctypes
import signal
from pathlib import Path

CHILD_SOURCE = Path(__file__).with_name("child.py").read_text(encoding="utf-8")
CHANNEL_SOURCE = (Path(__file__).parent.parent / "channel.py").read_text(encoding="utf-8")


def interpreter_argv(python: str, *args: str) -> list[str]:
    """``python`` running the child's source. -I ignores PYTHON* variables and user
    site-packages; -u keeps output that a crash would otherwise lose in a buffer; -B
    writes no .pyc files."""
    return [python, "-I", "-u", "-B", "-X", "utf8", "-c", CHILD_SOURCE, *args]


def scrubbed_environment(workdir: Path) -> dict[str, str]:
    """Nothing from the grader's environment reaches student code but these."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }


def die_with_parent() -> None:
    """Runs in the forked launcher before exec: a grading process that dies takes its
    student processes and warm workers along."""
    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
