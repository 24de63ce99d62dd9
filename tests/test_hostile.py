"""Hostile and broken submissions, graded as one batch into one gradebook.

Every one gets exactly one gradebook row with the score its honest behaviour earns (0 for
pure attacks, 6 for a correct solution whose attack fails harmlessly), the rest of the
batch is unaffected, nothing outside its workspace changes (canary files, the gradebook,
site-packages, the grader's process and its signals, listening sockets), no grader source
or secret appears in what a student sees, and no process outlives its submission.

The attacks are written to succeed against an unsandboxed grader and each case asserts what
a contained sandbox must give, whatever mechanism contains it (namespaces, a filesystem
view, seccomp, rlimits). Where a case's score is its oracle ("earns full marks only if it
could not read the graders"), the student code decides its answer from what its attack
achieved. Attacks stay bounded even if containment fails: a fork bomb is capped at 2**11
processes, children sleep for bounded times, signals sent to "everyone" are ones whose
default action is to be ignored, and anything written outside is a small marker that the
fixture removes afterwards.

The cases are in ``hostile_cases.py``. Cases marked ``needs_fs_view`` can only be contained by a filesystem view (``bwrap``); on a
weaker layer (``AUTOGRADER_SANDBOX=unshare``: namespaces, the whole filesystem visible) they
are not graded at all, and without namespaces only the cases intake refuses are graded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from autograder.batch import grade_many
from autograder.feedback.gradescope import to_gradescope
from autograder.gradebook import Gradebook
from autograder.sandbox import isolation

from conftest import ROOT, TEST_COURSE
from hostile_cases import CASES, LEFTOVER, OWNED_NAME, Case

LAYER = isolation.best_available()
# Student processes forked from a warm worker (the default) or started fresh: both must hold.
WARM = os.environ.get("AUTOGRADER_HOSTILE_WARM", "1") != "0"
NAMESPACES = LAYER != "none"
GRADERS = TEST_COURSE / "solutions/toy/graders"
GRADER_SOURCE = "\n".join(p.read_text() for p in sorted(GRADERS.glob("*.py")))
CANARY = Path(f"/tmp/autograder-hostile-canary-{os.getuid()}")
CANARY_TEXT = "a file outside every workspace: no submission may change it\n"
RESULTS_TEXT = '{"score": 0, "note": "a results file outside every workspace"}\n'
MARKER = b"OWNED-BY-A-STUDENT"
# Paths on this machine that a contained submission cannot create.
HOST_LEFTOVERS = [
    *(Path(folder) / LEFTOVER for folder in ("/tmp", "/dev/shm", "/var/tmp", "/")),
    Path("/tmp/autograder-hostile-zipslip.txt"),
    Path("/tmp/escaped.txt"),
    Path("/root/escaped.txt"),
]
ALLOWED_SIGNAL = signal.SIGURG  # default action: ignore; safe to send to "everyone"


def runs_here(case: Case) -> bool:
    if case.status == "rejected":
        return True  # intake refuses it: no code of it ever runs
    if LAYER == "none":
        return False  # without namespaces these attacks would reach this machine
    return LAYER == "bwrap" or not case.needs_fs_view


ACTIVE = {name: case for name, case in CASES.items() if runs_here(case)}


# ----------------------------------------------------------------------------- processes


def _process(pid: str) -> dict | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if stat[0] in "ZX":  # dead, waiting to be reaped: nothing runs any more
            return None
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        info = {
            "pid": int(pid),
            "ppid": int(fields["PPid"]),
            "started": int(stat[19]),
            "argv": [a.decode(errors="replace") for a in argv],
            "cmdline": b" ".join(argv).decode(errors="replace"),
        }
    except (OSError, KeyError, ValueError, IndexError):
        return None
    for key, link in (("cwd", "cwd"), ("ns", "ns/pid")):
        try:  # unreadable for a process that made itself non-dumpable, unless we are root
            info[key] = os.readlink(f"/proc/{pid}/{link}")
        except OSError:
            info[key] = ""
    return info


def warm_workers(table: dict[int, dict], children: dict[int, list[int]]) -> set[int]:
    """A warm worker (``--zygote``) and its namespace wrappers legitimately outlive every
    submission: a child of this process, then the oldest child of each, down to the first
    interpreter. Submissions' processes (its children) and daemons reparented to the
    sandbox's init (younger children of the wrapper) are not among them."""
    found = set()
    for root in children.get(os.getpid(), []):
        pid = root
        while pid in table and "--zygote" in table[pid]["argv"]:
            found.add(pid)
            if Path(table[pid]["argv"][0]).name.startswith("python"):
                break
            kids = [k for k in children.get(pid, []) if k in table]
            if not kids:
                break
            pid = min(kids, key=lambda k: table[k]["started"])
    return found


def process_table() -> tuple[dict[int, dict], dict[int, list[int]]]:
    table = {i["pid"]: i for p in filter(str.isdigit, os.listdir("/proc")) if (i := _process(p)) is not None}
    children: dict[int, list[int]] = {}
    for info in table.values():
        children.setdefault(info["ppid"], []).append(info["pid"])
    return table, children


def descendants(children: dict[int, list[int]], exclude: set[int] = frozenset()) -> set[int]:
    """Processes this process started, at any depth (not through ``exclude``)."""
    found, stack = set(), [os.getpid()]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found and child not in exclude:
                found.add(child)
                stack.append(child)
    return found


def processes_mentioning(text: str, exclude: set[int] = frozenset()) -> dict[int, str]:
    """Processes of this batch, warm workers aside: started by this process (at any depth,
    ``exclude`` holds those that were there before), named after or working in the batch's
    folder (``text``), or living in the same pid namespace as one of those (a daemon that
    escaped the tree)."""
    table, children = process_table()
    ours = descendants(children, exclude)
    ours |= {i["pid"] for i in table.values() if text in i["cmdline"] or text in i["cwd"]}
    own_namespace = os.readlink("/proc/self/ns/pid")
    namespaces = {table[p]["ns"] for p in ours if p in table} - {own_namespace, ""}
    ours |= {i["pid"] for i in table.values() if i["ns"] in namespaces}
    ours -= exclude | {os.getpid()} | warm_workers(table, children)
    return {p: table[p]["cmdline"][:120] for p in sorted(ours) if p in table}


def settle(text: str, exclude: set[int], seconds: float = 3.0) -> dict[int, str]:
    """Stray processes still there after ``seconds``; they are then killed (by pid)."""
    end = time.monotonic() + seconds
    while (stray := processes_mentioning(text, exclude)) and time.monotonic() < end:
        time.sleep(0.05)
    for pid in stray:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return stray


# ----------------------------------------------------------------------------- the world outside


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder this user may not look into
        return False


def _stat(path: Path):
    try:
        return path.read_bytes(), path.stat().st_mtime_ns
    except OSError:
        return None


def site_packages() -> dict:
    spec = importlib.util.find_spec("torch")
    folders = {Path(os.__file__).parent}
    state = {}
    if spec is not None and spec.origin:
        torch_dir = Path(spec.origin).parent
        folders.add(torch_dir.parent)
        state["torch/"] = (torch_dir.stat().st_mtime_ns, sorted(
            (p.name, p.stat().st_mtime_ns) for p in torch_dir.iterdir() if p.name != "__pycache__"))
        state["torch/__init__.py"] = Path(spec.origin).stat().st_mtime_ns
    folders |= {Path(p) for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)}
    state["planted"] = sorted(str(p) for folder in folders for p in folder.glob(OWNED_NAME + "*"))
    return state


class World:
    """What a contained submission cannot change, observed from the trusted side."""

    def __init__(self, root: Path, holder: subprocess.Popen, listeners: dict, signals: list):
        self.root = root
        self.holder = holder
        self.listeners = listeners
        self.signals = signals

    def contacts(self) -> list[str]:
        """Connections and datagrams that reached this machine's listeners since last asked."""
        got = []
        for name in ("tcp", "unix"):
            while True:
                try:
                    connection, _ = self.listeners[name].accept()
                except OSError:
                    break
                connection.close()
                got.append(name)
        while True:
            try:
                self.listeners["udp"].recv(100)
            except OSError:
                break
            got.append("udp")
        return got

    def snapshot(self) -> dict:
        gradebook_files = [p for p in self.root.glob("gradebook.db*")]
        # Files only: folders change mtime as workspaces come and go. The gradebook and a
        # warm worker's log are written by the trusted side.
        listing = {
            str(p.relative_to(self.root)): p.stat().st_mtime_ns
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and not p.name.startswith("gradebook.db")
            and not (p.name.startswith("autograder-worker-") and p.suffix == ".log")
        }
        return {
            "tmp canary": _stat(CANARY),
            "results canary": _stat(self.root / "results.json"),
            "batch folder": listing,
            "gradebook marked": any(MARKER in p.read_bytes() for p in gradebook_files),
            "host leftovers": [str(p) for p in host_leftovers(self.root) if _exists(p)],
            "site-packages": site_packages(),
            "signals to the grader": len(self.signals),
            "secret holder alive": self.holder.poll() is None,
        }


def diff(before: dict, after: dict) -> dict:
    changed = {}
    for key in before:
        if before[key] == after[key]:
            continue
        if isinstance(before[key], dict) and key == "batch folder":
            old, new = before[key], after[key]
            changed[key] = {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
                            "modified": sorted(k for k in set(old) & set(new) if old[k] != new[k])}
        else:
            changed[key] = (before[key], after[key])
    return changed


# ----------------------------------------------------------------------------- the batch


def fill(data: str | bytes, tokens: dict[str, str]) -> str | bytes:
    for token, value in tokens.items():
        if isinstance(data, bytes):
            data = data.replace(token.encode(), value.encode())
        else:
            data = data.replace(token, value)
    return data


def build(root: Path, name: str, case: Case, tokens: dict[str, str]) -> Path:
    if case.archive is not None:
        path = root / f"{name}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in case.archive.items():
                archive.writestr(fill(member, tokens), fill(text, tokens))
        return path
    folder = root / name
    folder.mkdir()
    if case.source is not None:
        source = case.source if isinstance(case.source, bytes) else textwrap.dedent(case.source)
        (folder / "toy.py").write_bytes(fill(source if isinstance(source, bytes) else source.encode(), tokens))
    for filename, data in case.files.items():
        (folder / filename).write_bytes(data if isinstance(data, bytes) else data.encode())
    for link, target in case.links.items():
        os.symlink(fill(target, tokens), folder / link)
    return folder


def host_leftovers(root: Path) -> list[Path]:
    """Files an uncontained submission would leave on this machine: fixed places, and the
    leftover marker in every folder above the batch's folder (reached with ``../``)."""
    return HOST_LEFTOVERS + [parent / LEFTOVER for parent in root.parents]


def retire_warm_workers() -> None:
    """A warm worker started earlier by this process keeps its spool elsewhere: close it, so
    that the batch's own worker (when the pipeline uses one) keeps its spool, and the
    workspaces in it, under the batch's folder, and none outlives the batch."""
    try:
        from autograder.sandbox import zygote
    except ImportError:
        return
    close = getattr(zygote, "_close_all", None)
    if close is not None:
        close()


def _cleanup_host(root: Path, torch_mtime) -> None:
    for path in host_leftovers(root):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
    for planted in site_packages()["planted"]:
        Path(planted).unlink(missing_ok=True)
    spec = importlib.util.find_spec("torch")
    if torch_mtime is not None and spec is not None and Path(spec.origin).stat().st_mtime_ns != torch_mtime:
        os.utime(spec.origin, ns=(torch_mtime, torch_mtime))


@pytest.fixture(scope="module")
def batch(tmp_path_factory, toy):
    root = tmp_path_factory.mktemp("hostile")
    workspaces = root / "workspaces"
    workspaces.mkdir()
    (root / "results.json").write_text(RESULTS_TEXT)
    CANARY.write_text(CANARY_TEXT)
    torch_mtime = site_packages().get("torch/__init__.py")
    _cleanup_host(root, None)
    retire_warm_workers()

    # Processes this one had started before the batch (a cluster another module left) are not the batch's.
    before = descendants(process_table()[1])
    secret = secrets.token_hex(12)
    # A process of the grading user with a secret in its environment and the graders as
    # its working directory: what a CI runner's environment and checkout look like.
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], cwd=GRADERS,
                              env={"AUTOGRADER_HOSTILE_SECRET": secret}, stdin=subprocess.DEVNULL,
                              start_new_session=True)
    listeners = {"tcp": socket.socket(), "udp": socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
                 "unix": socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)}
    abstract = f"autograder-hostile-{secrets.token_hex(6)}"
    listeners["tcp"].bind(("127.0.0.1", 0))
    listeners["tcp"].listen(64)
    listeners["udp"].bind(("127.0.0.1", 0))
    listeners["unix"].bind("\0" + abstract)
    listeners["unix"].listen(64)
    for listener in listeners.values():
        listener.setblocking(False)
    received: list[int] = []
    previous_handler = signal.signal(ALLOWED_SIGNAL, lambda number, frame: received.append(number))
    tokens = {
        "@@ROOT@@": str(root), "@@COURSE@@": str(TEST_COURSE), "@@REPO@@": str(ROOT),
        "@@PORT@@": str(listeners["tcp"].getsockname()[1]), "@@UDP_PORT@@": str(listeners["udp"].getsockname()[1]),
        "@@ABSTRACT@@": abstract, "@@GRADER_PID@@": str(os.getpid()), "@@GRADER_PGID@@": str(os.getpgid(0)),
        "@@HOLDER_PID@@": str(holder.pid), "@@SECRET_A@@": secret[:12], "@@SECRET_B@@": secret[12:],
        "@@TMP_CANARY@@": str(CANARY), "@@TMP_CANARY_NAME@@": CANARY.name,
    }
    sources = [build(root, name, case, tokens) for name, case in ACTIVE.items()]
    book = Gradebook(str(root / "gradebook.db"))
    world = World(root, holder, listeners, received)
    baseline = last = world.snapshot()
    recorded: dict[int, tuple] = {}
    changes: dict[str, dict] = {}
    strays: dict[str, dict] = {}
    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def on_result(result) -> None:
        nonlocal last
        name = result.student
        timings[name] = round(time.monotonic() - clock[0], 2)
        # Before this result is written, the gradebook holds exactly what it held after the last.
        rows = {row["id"]: tuple(row.values()) for row in book.attempts()}
        book.record(result)
        strays[name] = settle(str(workspaces), exclude=before | {holder.pid})
        now = world.snapshot()
        changes[name] = diff(last, now)
        if rows != recorded:
            changes[name]["gradebook rows"] = sorted(
                (rows.get(key, ("missing",))[:9], recorded.get(key, ("missing",))[:9])
                for key in set(rows) | set(recorded) if rows.get(key) != recorded.get(key))
        if contacts := world.contacts():
            changes[name]["reached a listener"] = contacts
        recorded.clear()
        recorded.update({row["id"]: tuple(row.values()) for row in book.attempts()})
        last = now
        clock[0] = time.monotonic()

    # Workspaces (named in every fresh student process's command line) go under this
    # batch's folder, so processes of this batch can be told from anyone else's.
    saved, tempfile.tempdir = tempfile.tempdir, str(workspaces)
    # This process runs a pytest session whose assertion rewriter would quote grader
    # expressions in feedback: grading keeps it off the graders by itself ("+  where" below).
    started = time.monotonic()
    try:
        results = grade_many(toy, sources, jobs=1, on_result=on_result, warm=WARM)
        elapsed = time.monotonic() - started
        retire_warm_workers()
        time.sleep(0.5)
        leftover = settle(str(workspaces), exclude=before | {holder.pid}, seconds=1.0)
        final = world.snapshot()
        attempts = book.attempts()
        rows: dict[str, list] = {}
        for row in attempts:
            rows.setdefault(row["student"], []).append(row)
        integrity = book.check_integrity() or "ok"
        book.close()
    finally:
        tempfile.tempdir = saved
        signal.signal(ALLOWED_SIGNAL, previous_handler)
        holder.kill()
        holder.wait()
        for listener in listeners.values():
            listener.close()
        _cleanup_host(root, torch_mtime)
        CANARY.unlink(missing_ok=True)
    return {
        "root": root, "results": dict(zip(ACTIVE, results)), "rows": rows, "attempts": len(attempts),
        "leftover": leftover, "strays": strays, "changes": changes, "baseline": baseline, "final": final,
        "integrity": integrity, "secret": secret, "elapsed": elapsed, "timings": timings,
    }


def _require(name: str) -> None:
    if name not in ACTIVE:
        reason = ("attacks on the host need a namespace sandbox to be contained" if LAYER == "none"
                  else f"only a filesystem view (bwrap) contains it; this machine grades with {LAYER!r}")
        pytest.skip(reason)


@pytest.mark.parametrize("name", list(CASES))
def test_each_submission_earns_what_its_behaviour_earns(batch, name):
    _require(name)
    case, result = CASES[name], batch["results"][name]
    details = (name, result.status, result.score, result.output[:300], [(t.name, t.output[:300]) for t in result.tests])
    assert result.status == case.status, details
    assert result.score == case.score, details
    if result.status == "graded":
        assert result.sandbox.get("warm") == WARM, "graded in another configuration than asked for"
    assert len(batch["rows"][name]) == 1, "exactly one gradebook row per submission"
    row = batch["rows"][name][0]
    assert (row["score"], row["status"]) == (case.score, case.status)
    visible = json.dumps(to_gradescope(result))
    for line in GRADER_SOURCE.splitlines():
        if len(line.strip()) > 30:
            assert line.strip() not in visible, f"grader source leaked into {name}'s feedback"
    assert batch["secret"] not in visible, f"the grader-side secret leaked into {name}'s feedback"
    assert "+  where" not in visible and "<locals>" not in visible, f"assertion introspection in {name}'s feedback"
    assert len(visible) < 100_000, f"{name}'s feedback is {len(visible)} characters: output is not capped"


@pytest.mark.parametrize("name", list(CASES))
def test_each_submission_leaves_the_outside_alone(batch, name):
    _require(name)
    assert batch["changes"][name] == {}, f"{name} changed something outside its workspace"
    assert batch["strays"][name] == {}, f"{name}'s processes outlived its grading"


def test_the_batch_leaves_nothing_behind(batch):
    if not NAMESPACES:
        pytest.skip("attacks on the host need a namespace sandbox to be contained")
    assert batch["attempts"] == len(ACTIVE), "exactly one gradebook row per submission"
    assert set(batch["rows"]) == set(ACTIVE)
    assert batch["integrity"] == "ok"
    assert diff(batch["baseline"], batch["final"]) == {}
    assert batch["final"]["tmp canary"][0] == CANARY_TEXT.encode(), "a submission wrote outside its workspace"
    assert not (batch["root"] / "escaped.txt").exists()
    assert not list(batch["root"].glob("zipslip*")), "an archive member was extracted outside"
    assert not batch["leftover"], f"processes outlived the batch: {batch['leftover']}"


def test_rejections_say_why(batch):
    results = batch["results"]
    assert "larger than" in results["fifty_megabytes"].output
    assert "symbolic link" in results["symlink_module_to_reference"].output
    assert "symbolic link" in results["symlink_to_outside"].output
    assert "outside" in results["zip_slip_relative"].output
    assert "absolute" in results["zip_slip_absolute"].output
    for name, case in CASES.items():
        if case.status == "rejected":
            assert results[name].status == "rejected" and not results[name].tests

