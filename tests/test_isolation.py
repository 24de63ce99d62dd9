"""What each sandbox layer this machine offers really stops, each layer on its own."""

import os
import socket
import time
import uuid

import pytest

from autograder.remote import StudentSession
from autograder.sandbox import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.policy import Sandbox, current, seccomp_works

from conftest import ROOT, TEST_COURSE

AVAILABLE = [layer for layer in ("bwrap", "unshare") if isolation.works(layer)]


@pytest.fixture(params=AVAILABLE or [pytest.param("none", marks=pytest.mark.skip("no isolation layer here"))])
def isolated(request, tmp_path):
    sessions = []

    def start(source: str) -> StudentSession:
        (tmp_path / "mod.py").write_text(source, encoding="utf-8")
        session = StudentSession(tmp_path, Limits(memory_mb=1024), sandbox=Sandbox(request.param))
        sessions.append(session)
        return session

    start.layer = request.param
    yield start
    for session in sessions:
        session.close()


def test_no_network(isolated):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    s = isolated(
        "import socket\n"
        "def connect(port):\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', port), timeout=2)\n"
        "        return 'connected'\n"
        "    except OSError as exc:\n"
        "        return type(exc).__name__\n"
    )
    assert s.module("mod").connect(port) != "connected"
    server.close()


def test_background_processes_die_with_the_sandbox(isolated, tmp_path):
    marker = tmp_path / "alive"
    s = isolated(
        "import os, time\n"
        "def spawn(path):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            while True:\n"
        "                open(path, 'a').write('x')\n"
        "                time.sleep(0.05)\n"
        "        os._exit(0)\n"
        "    return 'spawned'\n"
    )
    assert s.module("mod").spawn(str(marker)) == "spawned"
    time.sleep(0.3)
    s.close()
    time.sleep(0.3)
    size = marker.stat().st_size
    time.sleep(0.5)
    assert marker.stat().st_size == size, "a daemonised grandchild outlived the sandbox"


@pytest.mark.skipif("bwrap" not in AVAILABLE, reason="bubblewrap does not run here")
def test_bwrap_hides_the_course_and_has_a_private_tmp(tmp_path):
    (tmp_path / "mod.py").write_text(
        "import os\n"
        "def peek(path):\n"
        "    return os.path.exists(path)\n"
        "def leave(name):\n"
        "    open('/tmp/' + name, 'w').write('for the next student')\n"
        "    return os.listdir('/')\n"
    )
    session = StudentSession(tmp_path, Limits(memory_mb=1024), sandbox=Sandbox("bwrap"))
    try:
        mod = session.module("mod")
        assert not mod.peek(str(ROOT / "solutions"))
        assert not mod.peek(str(ROOT / "README.md"))
        assert mod.peek(str(tmp_path / "mod.py"))
        name = f"autograder-test-{uuid.uuid4().hex}"
        mod.leave(name)
        assert not os.path.exists(f"/tmp/{name}")
    finally:
        session.close()


def test_the_best_layer_is_recorded_with_the_result(grade_toy):
    result = grade_toy(TEST_COURSE / "solutions/toy/reference")
    assert result.sandbox["layers"][:2] == ["process", "rlimits"]
    if AVAILABLE:
        assert result.sandbox["layers"][2] == AVAILABLE[0]


@pytest.fixture
def filtered(tmp_path):
    if not seccomp_works():
        pytest.skip("seccomp (pyseccomp + libseccomp) does not work here")
    (tmp_path / "mod.py").write_text(
        "import os, socket, subprocess, threading\n"
        "def attempt(what):\n"
        "    actions = {\n"
        "        'fork': os.fork,\n"
        "        'subprocess': lambda: subprocess.run(['true']),\n"
        "        'socket': socket.socket,\n"
        "        'unix_socketpair': socket.socketpair,\n"
        "        'signal_parent': lambda: os.kill(os.getppid(), 0),\n"
        "        'signal_everyone': lambda: os.kill(-1, 0),\n"
        "        'signal_self': lambda: os.kill(os.getpid(), 0),\n"
        "    }\n"
        "    try:\n"
        "        actions[what]()\n"
        "        return 'allowed'\n"
        "    except OSError as exc:\n"
        "        return type(exc).__name__\n"
        "def threads_and_torch():\n"
        "    import torch\n"
        "    torch.set_num_threads(2)\n"
        "    out = []\n"
        "    worker = threading.Thread(target=lambda: out.append(float((torch.ones(300, 300) @ torch.ones(300, 300))[0, 0])))\n"
        "    worker.start(); worker.join()\n"
        "    return out\n"
    )
    session = StudentSession(tmp_path, Limits(memory_mb=1024), sandbox=Sandbox("none", seccomp=True))
    yield session.module("mod")
    session.close()


@pytest.mark.parametrize("what", ["fork", "subprocess", "socket", "unix_socketpair", "signal_parent", "signal_everyone"])
def test_seccomp_refuses_processes_sockets_and_signals_to_others(filtered, what):
    assert filtered.attempt(what) in ("PermissionError", "StudentPermissionError"), what


def test_seccomp_keeps_threads_torch_and_signals_to_itself(filtered):
    assert filtered.attempt("signal_self") == "allowed"
    assert filtered.threads_and_torch() == [300.0]


@pytest.mark.skipif(not current().max_processes or not AVAILABLE,
                    reason="RLIMIT_NPROC counts one sandbox's processes only for a non-root user in a user namespace")
def test_a_fork_bomb_stops_at_the_process_limit_of_its_own_namespace(tmp_path):
    (tmp_path / "mod.py").write_text(
        "import os, time\n"
        "def bomb():\n"
        "    started = 0\n"
        "    for _ in range(500):\n"
        "        try:\n"
        "            pid = os.fork()\n"
        "        except OSError:\n"
        "            return started\n"
        "        if pid == 0:\n"
        "            time.sleep(60)\n"
        "            os._exit(0)\n"
        "        started += 1\n"
        "    return started\n"
    )
    session = StudentSession(tmp_path, Limits(memory_mb=1024), sandbox=Sandbox(AVAILABLE[0], max_processes=32))
    try:
        assert session.module("mod").bomb() < 32
    finally:
        session.close()
