"""Graders: the ValueError cases of the contract (and only those), and no mutation of the
caller's state.

Arguments cross to the student process as copies, so a change made there would be
invisible here. The no-mutation tests therefore build a ``functools.partial`` IN the
student process (as ``toolkit.call_watching`` does): it keeps the state object the
student's function receives, and reading ``partial.args`` after the call shows it as it was
left. The step is a grader callback, so only the state argument is compared. A decoder that
never calls step has not decoded anything: that fails too, so a function that does
nothing earns nothing here. An error raised while decoding is charged by the other tests;
here only the state is looked at.
"""

from __future__ import annotations

import copy

import torch

from autograder.remote import StudentError
from autograder.toolkit import describe, expect_raises

BEAM_RULE = "beam_search raises ValueError when beam_size < 1 (a beam holds at least one hypothesis)"
MAX_LEN_RULE = "{} raises ValueError when max_len < 1 (at least one token is generated)"
UNCHANGED_RULE = ("the decoder feeds the caller's state to step and never writes into the tensors it was given: "
                  "new states are new tensors (index_select, torch.cat), so the caller can decode again from it")


def _step(a3):
    return a3.PositionStep(a3.PositionTable("validation", 5), 8)


def test_validation_beam_size_below_one(a3, dec, mistakes):
    """Argument validation: beam_search with beam_size < 1 raises ValueError"""
    for beam_size in (0, -2):
        call = a3.beam_call(_step(a3), beam_size, 3, None)
        expect_raises(ValueError, dec.beam_search, call, rule=BEAM_RULE, mistakes=mistakes)


def test_validation_greedy_max_len_below_one(a3, dec, mistakes):
    """Argument validation: greedy_decode with max_len < 1 raises ValueError"""
    for max_len in (0, -1):
        call = a3.greedy_call(_step(a3), max_len)
        expect_raises(ValueError, dec.greedy_decode, call, rule=MAX_LEN_RULE.format("greedy_decode"),
                      mistakes=mistakes)


def test_validation_beam_max_len_below_one(a3, dec, mistakes):
    """Argument validation: beam_search with max_len < 1 raises ValueError"""
    for max_len in (0, -1):
        call = a3.beam_call(_step(a3), 2, max_len, None)
        expect_raises(ValueError, dec.beam_search, call, rule=MAX_LEN_RULE.format("beam_search"), mistakes=mistakes)


def _nested_state(rng):
    history = torch.tensor([[rng.randint(0, 9) for _ in range(4)]], dtype=torch.long)
    hidden = torch.randn(1, 3, generator=torch.Generator().manual_seed(rng.getrandbits(32)))
    return history, (hidden, torch.tensor([True]))


def _same(a, b):
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _changed(state):
    """A new state with other values (what a model's step returns after reading a token)."""
    if isinstance(state, tuple):
        return tuple(_changed(part) for part in state)
    if state.dtype == torch.bool:
        return ~state
    return state * 2 + 1


def _stateful_step(a3, rng):
    """A step whose state is opaque to the decoder: each call returns new values."""
    class StatefulStep(a3.RecordingStep):
        attempts = 0  # calls of step, the refused ones included

        def __call__(self, last_tokens, state):
            self.attempts += 1
            tokens = self.read_tokens(last_tokens)
            self.calls.append(a3.StepCall(tokens))
            rows = [self.lm.logprobs((t,)) for t in tokens]
            return self.rows_tensor(rows), _changed(state)

    return StatefulStep(a3.BigramTable(f"{rng.getrandbits(64):x}", 6, -2.0), 4)


def _check_unchanged(a3, student, dec, mistakes, rng, name, **kwargs):
    state = _nested_state(rng)
    step = _stateful_step(a3, rng)
    call = a3.DecoderCall(name, step, state, **kwargs)
    bound = student.module("functools").partial(getattr(dec, name), step, state, **call.kwargs)
    try:
        bound()
    except StudentError as exc:  # the other tests report the error; this one looks at the state only
        if exc.type_name == "NotImplementedError":
            raise
    except a3.StepError:
        pass
    if not step.attempts:
        raise a3.failure(UNCHANGED_RULE, call, "never called step", "calls of step, the first with the given state",
                         did=True)
    after = bound.args[1]
    if not _same(state, after):
        def changes_the_same(module):
            args = copy.deepcopy(call.args)
            try:
                getattr(module, name)(*args, **call.kwargs)
            except Exception:  # noqa: BLE001 - only the state matters here
                pass
            return _same(args[1], after)

        raise a3.failure(UNCHANGED_RULE, call, f"changed the caller's state in place: it is now {describe(after)}",
                         f"the state as it was passed: {describe(state)}", did=True,
                         diagnosis=mistakes.recognise(name, changes_the_same) if mistakes.available else None)


def test_no_mutation_greedy(a3, student, dec, mistakes, rng):
    """No mutation: greedy_decode decodes from the caller's state and leaves it unchanged"""
    _check_unchanged(a3, student, dec, mistakes, rng, "greedy_decode", max_len=4)


def test_no_mutation_beam_search(a3, student, dec, mistakes, rng):
    """No mutation: beam_search decodes from the caller's state and leaves it unchanged"""
    _check_unchanged(a3, student, dec, mistakes, rng, "beam_search", beam_size=3, max_len=4)
