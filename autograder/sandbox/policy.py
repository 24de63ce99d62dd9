"""Which sandbox layers a student process gets, detected once per grading process.

A :class:`Sandbox` is what the trusted side decides; the student process applies the
in-process parts to itself (``child.confine``), after a fresh exec and after a fork from a
warm worker alike:

1. process separation and rlimits (always);
2. namespaces and a filesystem view (``bwrap``, else ``unshare``, else none), a command
   prefix around the interpreter or the warm worker;
3. a seccomp filter (``pyseccomp`` + libseccomp): no new processes (threads are fine), no
   exec, no sockets, no ptrace, no signals to other processes, no mounts or namespaces.
   This is what contains a fork bomb for root, for whom RLIMIT_NPROC does not count;
4. RLIMIT_NPROC, only for a non-root user inside its own user namespace, where the kernel
   counts the processes of that namespace alone (not every process of the user).

``AUTOGRADER_SANDBOX`` forces the namespace layer; ``AUTOGRADER_SECCOMP=0`` turns the
filter off. ``--require-sandbox`` refuses to grade when namespaces or seccomp are missing.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import subprocess
import sys

from . import isolation
from .launch import interpreter_argv

MAX_PROCESSES = 128
"""RLIMIT_NPROC inside a user namespace; threads count too (torch starts a few)."""


@dataclasses.dataclass(frozen=True)
class Sandbox:
    namespaces: str = "none"
    seccomp: bool = False
    max_processes: int | None = None

    @property
    def layers(self) -> list[str]:
        layers = ["process", "rlimits"]
        if self.namespaces != "none":
            layers.append(self.namespaces)
        if self.seccomp:
            layers.append("seccomp")
        if self.max_processes:
            layers.append("nproc")
        return layers

    def child_config(self) -> dict:
        """The parts the student process applies to itself."""
        return {"seccomp": self.seccomp, "nproc": self.max_processes}

    def missing_for_require(self) -> list[str]:
        missing = [] if self.namespaces != "none" else ["namespaces (bwrap or unshare)"]
        if not self.seccomp and os.environ.get("AUTOGRADER_SECCOMP") != "0":
            missing.append("seccomp (pip install pyseccomp; needs libseccomp)")
        return missing


@functools.lru_cache(maxsize=None)
def seccomp_works() -> bool:
    """Whether a student process here can load the filter and is then refused a fork."""
    config = {"rlimits": {}, "seccomp": True, "nproc": None}
    try:
        ran = subprocess.run(interpreter_argv(sys.executable, "--probe", json.dumps(config)),
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return ran.returncode == 0 and ran.stdout.strip() == "contained"


@functools.lru_cache(maxsize=None)
def current() -> Sandbox:
    """The strongest sandbox this machine offers (or the one the environment forces)."""
    namespaces = isolation.best_available()
    seccomp = os.environ.get("AUTOGRADER_SECCOMP") != "0" and seccomp_works()
    # Root is exempt from RLIMIT_NPROC, and outside a user namespace it would count every
    # process of the user (a laptop's browser included): only set it where it means
    # "processes of this sandbox".
    own_user_namespace = namespaces in ("bwrap", "unshare")
    nproc = MAX_PROCESSES if os.geteuid() != 0 and own_user_namespace else None
    return Sandbox(namespaces, seccomp, nproc)
