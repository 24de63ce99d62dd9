"""The sandbox suites again, as an ordinary user (what an instructor's laptop is).

Run as root (CI), this test creates an unprivileged user and runs the hostile (with a
fresh interpreter per student process), isolation and warm-worker suites as that user. Where the interpreter lives in a folder that user
cannot enter (``/root/.pyenv`` under a 0700 ``/root``), the run gets a private mount
namespace in which that folder is replaced by an empty one with only the interpreter's
tree bound back: nothing on the host changes.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT

USER = "autograder-student"
SUITES = os.environ.get("AUTOGRADER_AS_USER_SUITES", "tests/test_hostile.py tests/test_isolation.py tests/test_warm.py").split()

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or os.environ.get("AUTOGRADER_AS_USER") or not all(
        shutil.which(tool) for tool in ("useradd", "setpriv", "unshare", "mount")),
    reason="needs root (to create the user) and util-linux",
)


def ordinary_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
        return pwd.getpwnam(USER)


def closed_ancestor(path: Path) -> Path | None:
    """The outermost folder above ``path`` that others may not enter, if any."""
    for parent in reversed(path.parents):
        if parent != Path("/") and not os.stat(parent).st_mode & stat.S_IXOTH:
            return parent
    return None


def mount_script(interpreter_root: Path) -> str:
    """Shell lines (run in a private mount namespace) that open the way to the interpreter."""
    closed = closed_ancestor(interpreter_root)
    if closed is None:
        return ""
    inner = interpreter_root.relative_to(closed).parts[0]
    return (
        f"stage=$(mktemp -d) && mount --bind {closed} $stage && "
        f"mount -t tmpfs -o mode=755 tmpfs {closed} && mkdir {closed}/{inner} && "
        f"mount --bind $stage/{inner} {closed}/{inner} && "
    )


@pytest.fixture
def home():
    """A home folder the user owns (pytest's own temp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-as-user-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_sandbox_suites_pass_as_an_ordinary_user(home):
    user = ordinary_user()
    os.chown(home, user.pw_uid, user.pw_gid)
    interpreter_root = Path(os.path.realpath(sys.base_prefix))
    for needed in (ROOT, Path(sys.prefix)):
        assert closed_ancestor(needed) is None, f"{needed} is not readable by other users"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
        "AUTOGRADER_AS_USER": "1", "TMPDIR": "/tmp",
        # The root run grades the hostile batch with warm workers; this one with fresh processes.
        "AUTOGRADER_HOSTILE_WARM": "0",
    }
    run_as = (f"exec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} --clear-groups "
              f"{sys.executable} -m pytest -q -rs -p no:cacheprovider "
              f"--basetemp={home}/pytest {' '.join(SUITES)}")
    ran = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount_script(interpreter_root) + run_as],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    report = ran.stdout[-4000:] + ran.stderr[-2000:]
    assert ran.returncode == 0, report
    assert " passed" in ran.stdout and " failed" not in ran.stdout, report
