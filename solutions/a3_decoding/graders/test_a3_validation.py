"""Graders: the ValueError cases of the contract (and only those), and no mutation of the
caller's state.

Arguments cross to the student process as copies, so a change made there would be
invisible here. The no-mutation tests therefore build a ``functools.partial`` IN the
student process: it keeps the state object the student's function receives, and reading
``partial.args`` after the call shows it as it was left.
"""

from __future__ import annotations

import torch

from autograder.remote import StudentError


def _expect_value_error(util, function, call, why, **kwargs):
    lm = util.PositionTable("validation", 5)
    step = util.PositionStep(lm, 8)
    try:
        result = function(step, step.initial_state(), sos_id=util.SOS, eos_id=util.EOS, **kwargs)
    except ValueError:
        return
    raise AssertionError(f"{call} returned {util.shown(result)} instead of raising ValueError: {why}")


def test_validation_beam_size_below_one(dec, util):
    """Argument validation: beam_search with beam_size < 1 raises ValueError"""
    for beam_size in (0, -2):
        _expect_value_error(util, dec.beam_search, util.beam_call(beam_size, 3, None),
                            "a beam must hold at least one hypothesis", beam_size=beam_size, max_len=3)


def test_validation_max_len_below_one(dec, util):
    """Argument validation: greedy_decode and beam_search with max_len < 1 raise ValueError"""
    for max_len in (0, -1):
        _expect_value_error(util, dec.greedy_decode, util.greedy_call(max_len),
                            "at least one token must be generated; max_len must be at least 1", max_len=max_len)
        _expect_value_error(util, dec.beam_search, util.beam_call(2, max_len, None),
                            "at least one token must be generated; max_len must be at least 1",
                            beam_size=2, max_len=max_len)


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


class _StatefulStep:
    """A step whose state is opaque to the decoder: each call returns new values."""

    def __init__(self, util, rng):
        self.lm = util.BigramTable(f"{rng.getrandbits(64):x}", 6, -2.0)
        self.error = None

    def __call__(self, last_tokens, state):
        rows = [self.lm.logprobs((int(t),)) for t in last_tokens.tolist()]
        return torch.tensor(rows, dtype=torch.float32), _changed(state)


def _changed(state):
    """A new state with other values (what a model's step returns after reading a token)."""
    if isinstance(state, tuple):
        return tuple(_changed(part) for part in state)
    if state.dtype == torch.bool:
        return ~state
    return state * 2 + 1


def test_no_mutation_initial_state(dec, util, student, rng):
    """No mutation: greedy_decode and beam_search leave the caller's state unchanged"""
    functools = student.module("functools")
    for name, kwargs in (("greedy_decode", dict(max_len=4)), ("beam_search", dict(beam_size=3, max_len=4))):
        state = _nested_state(rng)
        step = _StatefulStep(util, rng)
        bound = functools.partial(getattr(dec, name), step, state, sos_id=util.SOS, eos_id=util.EOS, **kwargs)
        try:
            bound()
        except StudentError as exc:  # other tests report the error; this one looks at the state only
            if exc.type_name == "NotImplementedError":
                raise
        after = bound.args[1]
        if not _same(state, after):
            raise AssertionError(
                f"{name}(step, state, ...) changed the state it was given: it was {state} and is {after} after the "
                f"call. The caller may still need it (to decode the same sentence again with other settings); "
                f"build new tensors (index_select, torch.cat) instead of writing into the given ones")
