"""Fewer round trips: calls made together, stand-ins that answer in the student process,
stand-ins installed only when a request needs them. Each must change the cost, never
what a grader sees."""

from __future__ import annotations

import collections
import types

import pytest

from autograder import channel
from autograder.remote import StudentCrash, StudentSession
from autograder.sandbox.limits import Limits
from autograder.toolkit import Call, Mistakes, run_together, trusted

REFERENCE = """\
from collections import Counter

def pieces(word):
    return Counter(word)

def count_all(words):
    return [sum(pieces(w).values()) for w in words]
"""

STUDENT = """\
import os
from collections import Counter

def pieces(word):
    return Counter(word[1:])  # drops the first letter: wrong

def count_all(words):
    totals = []
    for w in words:
        got = pieces(w)
        got["extra"] += 100     # changes what it was given...
        totals.append(sum(pieces(w).values()))  # ...and asks again
    if "odd" in words:
        pieces(("not", "asked", "by", "the", "reference"))
    return totals

def double(x):
    if x == 2:
        raise ValueError("two")
    if x == 9:
        os._exit(3)
    return 2 * x
"""


@pytest.fixture
def kit(tmp_path):
    """A student session on STUDENT and the mistakes library of REFERENCE; the requests
    and callbacks the session makes are recorded."""
    (tmp_path / "solution" / "reference").mkdir(parents=True)
    (tmp_path / "solution" / "reference" / "mod.py").write_text(REFERENCE)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "mod.py").write_text(STUDENT)
    session = StudentSession(tmp_path / "work", Limits(memory_mb=1024))
    mod = session.module("mod")
    sent: list[str] = []
    pack, callback = session._pack, session._run_callback  # what goes on the wire, in order

    def packing(message):
        if message["op"] != channel.Op.RETURN:  # not a callback's answer
            sent.append(message["op"])
        return pack(message)

    session._pack = packing
    session._run_callback = lambda *args, **kwargs: sent.append("callback") or callback(*args, **kwargs)
    yield types.SimpleNamespace(session=session, mod=mod, sent=sent,
                                mistakes=Mistakes.of(tmp_path / "solution"))
    session.close()


def test_calls_made_together_give_each_call_its_own_answer_in_one_round_trip(kit):
    calls = run_together(kit.mod, [Call("double", x) for x in (1, 2, 3)])
    assert kit.sent == ["many"]
    assert calls[0].run(kit.mod) == 2 and calls[2].run(kit.mod) == 6
    with pytest.raises(ValueError, match=r"^mod\.double\(\) raised ValueError: two$") as together:
        calls[1].run(kit.mod)
    assert kit.sent == ["many"]
    with pytest.raises(ValueError) as alone:
        Call("double", 2).run(kit.mod)
    assert together.value.feedback() == alone.value.feedback()
    assert calls[0].run(kit.mod) == 2 and kit.sent[-1] == "callattr"  # an answer is used once


def test_an_answer_is_not_used_under_other_stand_ins(kit):
    call = run_together(kit.mod, [Call("count_all", ["ab"]), Call("count_all", ["abc"])])[0]
    with trusted(kit.mod, kit.mistakes, "pieces"):
        assert call.run(kit.mod) == [2]  # asked again: the reference's pieces counts both letters
    assert kit.sent.count("many") == 1 and "callattr" in kit.sent


def test_a_crash_among_calls_made_together_is_the_first_call_s_and_the_others_ask_again(kit):
    calls = run_together(kit.mod, [Call("double", 1), Call("double", 9), Call("double", 4)])
    with pytest.raises(StudentCrash, match=r"while running mod\.double\(\), the process exited with status 3"):
        calls[0].run(kit.mod)
    fresh = kit.session.module("mod")  # as a grader's next test would (the old handle is gone)
    assert calls[2].run(fresh) == 8 and kit.sent[-1] == "callattr"  # asked on its own


def test_stand_ins_with_answers_answer_in_the_student_process_and_the_rest_call_back(kit):
    calls = [Call("count_all", ["ab", "abc"]), Call("count_all", ["abc"])]
    with trusted(kit.mod, kit.mistakes, "pieces", answers_for=calls):
        run_together(kit.mod, calls)
        assert [call.run(kit.mod) for call in calls] == [[2, 3], [3]]
    # The reference asked pieces("ab") and ("abc"): answered there, each time with a fresh
    # copy (the student's change to the first answer did not reach the second).
    assert kit.sent == ["swap", "many", "swap"]
    assert kit.session.trusted_used == {"pieces"}  # said by the student process: no callback
    kit.sent.clear()
    call = Call("count_all", ["odd"])
    with trusted(kit.mod, kit.mistakes, "pieces", answers_for=[call]):
        assert call.run(kit.mod) == [3]
    assert kit.sent == ["swap", "callattr", "callback", "swap"]  # the call the reference never made
    assert kit.mod.count_all(["ab"]) == [1]  # the student's own again


def test_a_block_that_sends_nothing_costs_no_round_trip_and_nested_blocks_restore(kit):
    with trusted(kit.mod, kit.mistakes, "pieces"):
        pass
    assert kit.sent == []
    with trusted(kit.mod, kit.mistakes, "pieces"):
        with trusted(kit.mod, kit.mistakes, "count_all"):
            assert kit.mod.count_all(["ab"]) == [2]
        assert kit.mod.count_all(["ab"]) == [2]  # the student's count_all, the reference's pieces
    assert kit.mod.count_all(["ab"]) == [1]


def test_stand_ins_in_process_swap_a_plain_module(tmp_path):
    """Graders run in-process (benchmarks/inprocess_conftest.py) get the same stand-ins."""
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "mod.py").write_text(REFERENCE)
    module = types.ModuleType("mod")
    exec(STUDENT, module.__dict__)
    with trusted(module, Mistakes.of(tmp_path), "pieces"):
        assert module.count_all(["ab"]) == [2]
    assert module.count_all(["ab"]) == [1]


def test_answer_keys_tell_data_apart_and_the_trusted_side_never_reads_answered_stand_ins():
    key = channel.answer_key
    assert key((["a", 1],), {}) == key((["a", 1],), {})
    assert len({key(([1],), {}), key(((1,),), {}), key(([1.0],), {}), key(([True],), {}), key((["1"],), {}),
                key((collections.Counter("ab"),), {}), key(({"a": 1, "b": 1},), {}), key(([1],), {"n": 1})}) == 8
    assert key(({"b": 1, "a": 2},), {}) == key(({"a": 2, "b": 1},), {})
    with pytest.raises(TypeError):
        key((object(),), {})
    forged = {"$answered": [["k", 1]], "fallback": {"$callback": 1}, "name": "pieces"}
    with pytest.raises(channel.ChannelError):
        channel.Decoder({}, lambda doc: None, lambda doc: None).decode(forged)
