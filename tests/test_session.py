"""The trusted side's proxies: calls, handles, callbacks, errors, crashes and deadlines."""

import time

import pytest

from autograder.remote import StudentCrash, StudentError, StudentSession, StudentTimeout
from autograder.sandbox.limits import Limits


@pytest.fixture
def session(tmp_path):
    def start(source: str, limits: Limits | None = None) -> StudentSession:
        (tmp_path / "mod.py").write_text(source, encoding="utf-8")
        s = StudentSession(tmp_path, limits or Limits(memory_mb=1024))
        sessions.append(s)
        return s

    sessions = []
    yield start
    for s in sessions:
        s.close()


def test_calls_methods_and_handles(session):
    s = session(
        "class Box:\n"
        "    def __init__(self, v): self.v = v\n"
        "    def double(self): return self.v * 2\n"
        "    def __len__(self): return 3\n"
        "    def __getitem__(self, i): return i * 10\n"
        "def make(v): return Box(v)\n"
    )
    mod = s.module("mod")
    box = mod.make(4)
    assert box.double() == 8 and box.v == 4 and len(box) == 3 and box[2] == 20
    assert "Box" in repr(box)


def test_student_exception_maps_to_builtin(session):
    mod = session("def f(x):\n    raise ValueError('x must be positive')\n").module("mod")
    with pytest.raises(ValueError) as info:
        mod.f(-1)
    assert isinstance(info.value, StudentError)
    assert "x must be positive" in str(info.value)
    assert 'mod.py", line 2' in info.value.feedback()


def test_system_exit_is_not_a_grader_exit(session):
    mod = session("import sys\ndef f():\n    sys.exit(0)\n").module("mod")
    with pytest.raises(StudentError) as info:
        mod.f()
    assert not isinstance(info.value, SystemExit)
    assert "SystemExit" in str(info.value)


def test_os_exit_is_a_crash_and_the_process_is_replaced(session):
    s = session("import os\ndef die():\n    os._exit(0)\ndef ok():\n    return 1\n")
    with pytest.raises(StudentCrash, match="exited with status 0"):
        s.module("mod").die()
    assert s.module("mod").ok() == 1
    assert s.restarts == 1


def test_stale_handle_after_a_crash(session):
    s = session("import os\ndef die():\n    os._exit(3)\ndef ok():\n    return 1\n")
    mod = s.module("mod")
    with pytest.raises(StudentCrash):
        mod.die()
    with pytest.raises(StudentCrash, match="earlier run"):
        mod.ok()


def test_infinite_loop_hits_the_deadline(session):
    s = session("def spin():\n    while True:\n        pass\n")
    mod = s.module("mod")
    s.deadline = time.monotonic() + 1.0
    started = time.monotonic()
    with pytest.raises(StudentTimeout):
        mod.spin()
    assert time.monotonic() - started < 5


def test_memory_bomb_is_stopped(session):
    s = session("def bomb():\n    return bytearray(3 * 1024 ** 3)\n", Limits(memory_mb=512))
    with pytest.raises(StudentError) as info:
        s.module("mod").bomb()
    assert "MemoryError" in str(info.value) or "terminated" in str(info.value)


def test_import_failure_is_remembered(session):
    s = session("def broken(:\n")
    with pytest.raises(StudentError, match="could not be imported.*SyntaxError"):
        s.module("mod")
    started = time.monotonic()
    with pytest.raises(StudentError, match="could not be imported"):
        s.module("mod")
    assert time.monotonic() - started < 0.05


def test_callbacks_run_in_the_trusted_process_and_nest(session):
    s = session("def twice(f, x):\n    return f(f(x))\ndef inc(x):\n    return x + 1\n")
    mod = s.module("mod")
    seen = []

    def grader_side(x):
        seen.append(x)
        return mod.inc(x) * 2  # a callback that calls student code again

    assert mod.twice(grader_side, 1) == 10
    assert seen == [1, 4]


def test_a_failing_callback_fails_the_request_even_if_swallowed(session):
    s = session("def swallow(f):\n    try:\n        f()\n    except Exception:\n        pass\n    return 'fine'\n")

    def strict():
        raise AssertionError("step called too often")

    with pytest.raises(AssertionError, match="too often"):
        s.module("mod").swallow(strict)


def test_forged_answer_frames_are_a_crash_not_a_result(session):
    s = session(
        "import fcntl, os\n"
        "def forge():\n"
        "    for name in os.listdir('/proc/self/fd'):\n"
        "        fd = int(name)\n"
        "        try:\n"
        "            if fd > 2 and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:\n"
        "                os.write(fd, b'\\xff' * 64)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 1\n"
    )
    with pytest.raises(StudentCrash, match="unreadable"):
        s.module("mod").forge()


def test_crash_inside_a_nested_call_from_a_callback(session):
    s = session("import os\ndef call(f):\n    return f()\ndef die():\n    os._exit(1)\n")
    mod = s.module("mod")
    with pytest.raises(StudentCrash, match="status 1"):
        mod.call(lambda: mod.die())
    assert s.module("mod").call(lambda: 5) == 5


def test_an_unswallowed_callback_error_keeps_the_graders_message(session):
    s = session("def call(f):\n    return f()\n")

    def strict():
        raise AssertionError("step called with 4 hypotheses, only 3 can be live")

    with pytest.raises(AssertionError, match="only 3 can be live"):
        s.module("mod").call(strict)


def test_support_module_runs_next_to_student_code(session):
    s = session("def square(x):\n    return x * x\n")
    helper = s.support_module("sum_squares", "import mod\ndef run(n):\n    return sum(mod.square(i) for i in range(n))\n")
    assert helper.run(4) == 14


def test_output_is_captured_and_capped(session):
    s = session("def chatty():\n    print('x' * 200000)\n    return 1\n", Limits(output_bytes=1000))
    assert s.module("mod").chatty() == 1
    text = s.take_output()
    assert 900 <= len(text) <= 1000


def test_environment_is_scrubbed(session, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "s3cret")
    s = session("import os\ndef env():\n    return dict(os.environ)\n")
    env = s.module("mod").env()
    assert "GRADER_SECRET" not in env and env["OMP_NUM_THREADS"] == "1"


def requests_of(s: StudentSession) -> list[str]:
    """The operations ``s`` sends from now on, in order."""
    sent: list[str] = []
    original_request = s.request
    s.request = lambda *args, **kwargs: sent.append(args[1]["op"]) or original_request(*args, **kwargs)
    return sent


def test_swap_sets_several_attributes_in_one_round_trip_and_answers_what_they_replaced(session):
    s = session("def f(x):\n    return x + 1\ndef g(x):\n    return f(x) * 2\n")
    mod = s.module("mod")
    sent = requests_of(s)
    previous = mod._swap({"f": lambda x: x - 1, "h": lambda x: 0})
    assert sent == ["swap"]
    assert set(previous) == {"f"}  # no h before: nothing to restore
    assert mod.g(5) == 8  # the student's g calls the grader's f
    mod._swap(previous)
    assert mod.g(5) == 12


def test_many_calls_are_one_round_trip_and_each_keeps_its_own_answer_or_error(session):
    s = session("def f(x, scale=1):\n    if x == 2:\n        raise ValueError('two')\n    return [x * scale]\n")
    mod = s.module("mod")
    sent = requests_of(s)
    outcomes = mod._call_many("f", [((1,), {}), ((2,), {}), ((3,), {"scale": 10})])
    assert sent == ["many"]
    assert outcomes[0] == (True, [1]) and outcomes[2] == (True, [30])
    ok, error = outcomes[1]
    assert not ok and isinstance(error, ValueError) and isinstance(error, StudentError)
    assert str(error) == "mod.f() raised ValueError: two"  # what its own request would have raised
    assert 'File "mod.py", line 3' in error.feedback()
    with pytest.raises(StudentError, match=r"mod\.nothing does not exist"):
        mod._call_many("nothing", [((1,), {})])


def test_many_calls_that_crash_or_hang_fail_as_one_call_would(session):
    s = session("import os, time\ndef f(x):\n    if x == 2:\n        os._exit(3)\n    return x\n"
                "def g(x):\n    while x:\n        pass\n")
    mod = s.module("mod")
    with pytest.raises(StudentCrash, match=r"while running mod\.f\(\), the process exited with status 3"):
        mod._call_many("f", [((1,), {}), ((2,), {}), ((3,), {})])
    s.deadline = time.monotonic() + 1.0
    with pytest.raises(StudentTimeout, match=r"mod\.g\(\) did not finish in time"):
        s.module("mod")._call_many("g", [((0,), {}), ((1,), {})])


def test_an_answer_to_many_calls_of_the_wrong_shape_is_a_broken_channel(session):
    s = session("def f(x):\n    return x\n")
    s.module("mod")
    generation = s.generation
    with pytest.raises(StudentCrash, match="not one outcome per call"):
        s.outcomes([[True, 1]], 2, "mod.f()")
    assert s.generation == generation + 1  # the process that said it is not used again
    with pytest.raises(StudentCrash, match="not one outcome per call"):
        s.outcomes([[False, "not an error"], [True, 1]], 2, "mod.f()")


def test_a_call_by_name_is_one_round_trip_and_a_missing_name_reads_as_a_getattr(session):
    s = session("def f(x):\n    return x + 1\ndef g(x):\n    return x.missing\n")
    mod = s.module("mod")
    sent = requests_of(s)
    assert mod._call_attr("f", 1) == 2
    assert sent == ["callattr"]
    with pytest.raises(StudentError, match=r"mod\.nothing does not exist"):
        mod._call_attr("nothing", 1)
    with pytest.raises(AttributeError, match=r"mod\.g\(\) raised AttributeError"):  # raised inside: not a lookup
        mod._call_attr("g", 1)
