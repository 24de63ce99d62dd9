"""Warm workers: a child forked per submission enters the same sandbox as a fresh one,
and nothing of one submission reaches the next."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from autograder.remote import StudentCrash, StudentSession
from autograder.sandbox import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.policy import Sandbox, seccomp_works
from autograder.sandbox.zygote import Zygote, ZygoteFailed

from conftest import REFERENCE_TOY, ROOT, TEST_COURSE

LAYERS = [layer for layer in ("bwrap", "unshare") if isolation.works(layer)] or ["none"]

PROBE = """
import os, sys, time
counter = 0
def bump():
    global counter
    counter += 1
    return counter
def sees(path):
    return os.path.exists(path)
def leave(path):
    open(path, 'w').write('for the next student')
    return True
def daemon(path):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                open(path, 'a').write('x')
                time.sleep(0.05)
        os._exit(0)
    return True
def fork_allowed():
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return True
def kill_parent():
    import signal
    os.kill(os.getppid(), signal.SIGKILL)
    time.sleep(0.5)
    return 'survived'
def torch_threads():
    import torch
    return torch.get_num_threads(), float(torch.ones(64, 64).sum())
"""


@pytest.fixture(scope="module", params=LAYERS)
def worker(request):
    """Two warm workers per layer (seccomp off and on), shared by this module's tests:
    each test opens and finishes its own submissions, as the pipeline does."""
    seccomp = request.param != "none" and seccomp_works()
    zygote = Zygote(Sandbox(request.param, seccomp=False), preload=("torch",))
    zygote.start()
    filtered = Zygote(Sandbox(request.param, seccomp=seccomp), preload=("torch",)) if seccomp else None
    if filtered:
        filtered.start()
    yield {"plain": zygote, "filtered": filtered, "layer": request.param}
    zygote.discard()
    if filtered:
        filtered.discard()


def open_submission(zygote: Zygote, source: str = PROBE) -> StudentSession:
    workdir = zygote.spool / f"sub-{uuid.uuid4().hex[:8]}"
    workdir.mkdir()
    (workdir / "probe.py").write_text(source)
    return StudentSession(workdir, Limits(memory_mb=1024), sandbox=zygote.sandbox, zygote=zygote)


def finish(zygote: Zygote, session: StudentSession) -> None:
    session.close()
    zygote.reset()


def test_each_submission_gets_a_fresh_child_with_one_torch_thread(worker):
    zygote = worker["plain"]
    first = open_submission(zygote)
    assert first.module("probe").bump() == 1
    assert first.module("probe").bump() == 2
    assert first.module("probe").torch_threads() == (1, 4096.0)
    finish(zygote, first)
    second = open_submission(zygote)
    assert second.module("probe").bump() == 1, "module state passed from one submission to the next"
    finish(zygote, second)


def test_forked_children_are_under_seccomp_when_the_policy_says_so(worker):
    if worker["filtered"] is None:
        pytest.skip("seccomp does not work here")
    session = open_submission(worker["filtered"])
    assert session.module("probe").fork_allowed() is False
    finish(worker["filtered"], session)
    session = open_submission(worker["plain"])
    assert session.module("probe").fork_allowed() is True
    finish(worker["plain"], session)


def test_daemons_and_tmp_files_do_not_survive_into_the_next_submission(worker):
    if worker["layer"] == "none":
        pytest.skip("without a pid namespace a daemon cannot be told from the user's other processes")
    zygote = worker["plain"]
    marker = zygote.spool / "daemon-output"
    tmp_file = f"/tmp/autograder-left-{uuid.uuid4().hex}"
    first = open_submission(zygote)
    assert first.module("probe").daemon(str(marker))
    assert first.module("probe").leave(tmp_file)
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists()
    finish(zygote, first)
    assert not marker.exists(), "the spool was not emptied between submissions"
    time.sleep(0.4)
    assert not marker.exists(), "a daemonised grandchild outlived its submission"
    second = open_submission(zygote)
    if worker["layer"] == "bwrap":
        assert second.module("probe").sees(tmp_file) is False, "a file in /tmp reached the next student"
        assert not os.path.exists(tmp_file)
    else:  # unshare shares the host's /tmp: a weaker layer, documented as such
        Path(tmp_file).unlink(missing_ok=True)
    finish(zygote, second)


def test_the_worker_sees_only_its_spool(worker):
    if worker["layer"] != "bwrap":
        pytest.skip("only bubblewrap gives a filesystem view")
    session = open_submission(worker["plain"])
    probe = session.module("probe")
    assert probe.sees(str(ROOT / "README.md")) is False
    assert probe.sees(str(TEST_COURSE)) is False
    finish(worker["plain"], session)


def test_a_child_that_kills_the_worker_costs_only_its_own_verdict(worker):
    zygote = worker["plain"]
    session = open_submission(zygote)
    try:  # the worker dies (the call crashes), or it is a namespace's init and ignores the signal
        session.module("probe").kill_parent()
    except StudentCrash:
        pass
    session.close()
    zygote.reset() if zygote.running else None
    after = open_submission(zygote)
    assert after.module("probe").bump() == 1
    finish(zygote, after)


def test_warm_and_fresh_grading_agree(grade_toy, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "toy.py").write_text(REFERENCE_TOY.replace("return a + b", "return a - b"))
    for source in (TEST_COURSE / "solutions/toy/reference", wrong):
        warm, fresh = grade_toy(source, warm=True), grade_toy(source, warm=False)
        assert warm.sandbox["warm"] and not fresh.sandbox["warm"]
        assert (warm.score, warm.status) == (fresh.score, fresh.status)
        assert [(t.test, t.status) for t in warm.tests] == [(t.test, t.status) for t in fresh.tests]


def test_nothing_written_anywhere_reaches_the_next_submission(worker):
    if worker["layer"] != "bwrap":
        pytest.skip("only bubblewrap gives a filesystem view")
    zygote = worker["plain"]
    first = open_submission(zygote)
    workdir = first.workdir
    places = [str(workdir.parent / "left"), str(workdir.parent.parent / "left"), "/tmp/left", "/dev/left",
              "/dev/shm/left", "/etc/left", "/left", "/usr/left"]
    written = [place for place in places if _try_leave(first, place)]
    assert not {"/etc/left", "/left", "/usr/left"} & set(written), "the sandbox's root is writable"
    finish(zygote, first)
    second = open_submission(zygote)
    seen = [place for place in places if second.module("probe").sees(place)]
    assert seen == [], f"left by the previous submission: {seen}"
    finish(zygote, second)


def _try_leave(session: StudentSession, place: str) -> bool:
    try:
        return bool(session.module("probe").leave(place))
    except Exception:
        return False


def test_a_worker_that_cannot_start_falls_back_to_a_fresh_process(tmp_path):
    broken = Zygote(Sandbox("none"), python=str(tmp_path / "no-such-python"))
    try:
        for _ in range(3):
            with pytest.raises(ZygoteFailed):
                broken.start()
        assert broken.failed_starts == 2, "a worker that keeps failing is not retried for every student process"
        (tmp_path / "probe.py").write_text(PROBE)
        session = StudentSession(tmp_path, Limits(memory_mb=1024), sandbox=Sandbox("none"), zygote=broken)
        assert session.module("probe").bump() == 1
        session.close()
    finally:
        broken.discard()


def test_a_failed_worker_keeps_its_log(tmp_path, caplog):
    """What a warm worker printed before it failed is what an instructor needs: the log
    file stays, and a warning names it."""
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho 'worker start-up broke: something only the log says' >&2\nexit 3\n")
    fake_python.chmod(0o755)
    broken = Zygote(Sandbox("none"), python=str(fake_python))
    with caplog.at_level("WARNING", logger="autograder.sandbox.zygote"):
        with pytest.raises(ZygoteFailed, match="something only the log says"):
            broken.start()
    broken.discard()
    assert broken.log.exists() and "something only the log says" in broken.log.read_text()
    assert str(broken.log) in caplog.text
    broken.log.unlink()

    healthy = Zygote(Sandbox("none"), preload=())
    healthy.start()
    healthy.discard()
    assert not healthy.log.exists(), "a worker that never failed leaves nothing behind"
