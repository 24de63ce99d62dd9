"""Graders: which candidates beam search keeps (one start hypothesis, the best of ALL K*V
candidates, with its own parent's tokens and logprob; the parent of flat index j is j // V).

The tables make every kept hypothesis finish at the same step: <eos> is impossible before
step d and near-certain at step d = max_len (``finishing_at``). So the beam never shrinks
early and the search ends at max_len with every hypothesis finished: whatever a search does
with finished hypotheses (shrinking, stopping, returning the live ones) cannot change which
candidates it keeps, and a mistake there is charged to finishing only. The step function is
a PositionTable (rows by position and last token, the position read from a counter in the
state), so state reordering plays no part either. alpha = 0: scores are not looked at.

The expected live hypotheses at every step come from the simulated contract; the logprob of
any returned sequence from the table itself (the sum of its tokens' log-probabilities).
The result is compared as a set of hypotheses: one returned twice (a search that recorded it
as finished but left it live) breaks a finishing rule and is charged there. The rows use
the whole vocabulary, so a parent computed as round(j / V) instead of j // V shows here
(and only here: the other concepts' tables keep to its lower half). The first-call check
looks at the first call only, even when the search fails later.

The all-extensions test also records, for the report's picture, what the student's search
fed step at each call beside the live hypotheses of the simulated contract, and both lists
of returned hypotheses (``beam_steps``): read from the step's own record of its calls, so
it makes no call and decides nothing.
"""

from __future__ import annotations

import math

from autograder.toolkit import CheckFailed

START_RULE = ("the search starts from ONE hypothesis: the first call of step gets last_tokens = [<sos>] (K = 1), "
              "not beam_size copies of it")
KEEP_RULE = ("after every step the live hypotheses are the best beam_size - len(finished) of ALL K*V candidates "
             "(hypothesis i extended by token y, ranked by logprob_i + log p(y | i), highest first); the parent of "
             "flat index j is j // V and its token j % V")
RESULT_RULE = ("the search returns the hypotheses it kept, each with tokens = its parent's tokens + its own token and "
               "logprob = its parent's logprob + log p(token | parent)")
WIDE_RULE = ("when the K*V candidates are fewer than beam_size - len(finished), every one of them is kept (the "
             "first step of a beam wider than the vocabulary keeps all V tokens)")


def _case(a3, rng, size, accept=None, depth=None, beam_size=None):
    fixed_depth, fixed_beam = depth, beam_size

    def build(seed):
        vocab_size = rng.randint(5, 5 + min(2, size // 4))
        beam = fixed_beam or rng.randint(2, vocab_size - 2)
        depth_ = fixed_depth or rng.randint(2, 2 + min(3, size // 3))
        lm = a3.PositionTable(seed, vocab_size, a3.finishing_at(depth_))
        return lm, beam, depth_, a3.simulate_beam(lm, beam, depth_, 0.0)

    def ok(case):
        lm, beam, depth_, run = case
        every_one_at_max_len = all(h.tokens[-1] == a3.EOS and len(h.tokens) == depth_ for h in run.hyps)
        return run.clear and len(run.hyps) == beam and every_one_at_max_len and (accept is None or accept(case))

    return a3.draw(rng, build, ok)


def _view(a3):
    """A run as these checks see it: the live set of every call and the returned hypotheses."""
    def view(step, outcome):
        crash = a3.crash_view(step, outcome)
        if crash is not None:
            return crash
        hyps = a3.quiet_hypotheses(outcome)
        lives = tuple(tuple(sorted(c.last)) for c in step.calls)
        return lives, None if hyps is None else tuple(sorted((h.tokens, round(h.logprob, 4)) for h in hyps))

    return view


def _live_text(prefixes):
    return "[" + ", ".join("<sos>" if not p else str(list(p)) for p in prefixes) + "]"


def check_candidates(a3, dec, mistakes, case, *, first_call_only=False, keep=None):
    lm, beam_size, max_len, run = case
    step = a3.PositionStep(lm, max_len)
    call = a3.beam_call(step, beam_size, max_len, 0.0)
    value = None
    try:
        value = a3.run(call, dec, mistakes)
    except CheckFailed:
        if not (first_call_only and step.calls):
            raise
        # the first call is all this check looks at: what came later is charged elsewhere
    finally:
        _record_beam(keep, a3, case, step)  # the calls of step so far, even when the search failed
    view = _view(a3)
    seen = view(step, value)
    _record_beam(keep, a3, case, step, seen)  # and what it returned, as this check read it
    table = a3.beam_table(lm, run, a3.prefixes_of(a3.quiet_hypotheses(value) or []))

    def wrong(rule, observed, expected, did=False):
        return a3.failure(rule, call, observed, expected, diagnosis=a3.known_mistake(mistakes, call, view, seen),
                          did=did, notes=[table])

    if not step.calls:
        raise wrong(START_RULE, "never called step", f"a first call with last_tokens [{a3.SOS}]", did=True)
    first = step.calls[0].last
    if first != [a3.SOS]:
        raise wrong(START_RULE, f"made its first call of step with last_tokens {first} (K = {len(first)})",
                    f"last_tokens [{a3.SOS}] (K = 1)", did=True)
    if first_call_only:
        return
    got = a3.hypotheses(value, call)
    for number, (record, live) in enumerate(zip(step.calls, run.live_per_call), start=1):
        want = sorted(p[-1] if p else a3.SOS for p in live)
        if sorted(record.last) != want:
            raise wrong(KEEP_RULE, f"made call {number} of step extending {len(record.last)} hypotheses ending in "
                                   f"{sorted(record.last)}",
                        f"{len(want)} hypotheses ending in {want}: the live hypotheses {_live_text(live)}", did=True)
    # Which hypotheses, not how often: a search that keeps the right candidates but returns a
    # finished one twice (it also left it live) breaks a finishing rule, charged there.
    if {h.tokens for h in got} != {h.tokens for h in run.hyps}:
        raise wrong(RESULT_RULE, a3.listing(sorted(got, key=lambda h: h.tokens)),
                    a3.listing(sorted(run.hyps, key=lambda h: h.tokens)))
    for h in got:
        truth = lm.sequence_logprob(h.tokens)
        if not a3.close(h.logprob, truth):
            raise wrong(RESULT_RULE, f"{list(h.tokens)} with logprob {h.logprob:.6f}",
                        f"logprob {truth:.6f}, the sum of its tokens' log-probabilities")


def _two_children_of_one_parent(case):
    """Some step keeps two extensions of one parent and none of another parent."""
    run = case[3]
    for before, after in zip(run.live_per_call, run.live_per_call[1:]):
        parents = [prefix[:-1] for prefix in after]
        if len(set(parents)) < len(parents) and set(before) - set(parents):
            return True
    return False


def test_candidates_first_step_one_hypothesis(a3, dec, mistakes, rng):
    """Beam candidates: the search starts from ONE hypothesis, <sos>: the first call of step has K = 1"""
    for size in (3, 6, 9, 12):
        check_candidates(a3, dec, mistakes, _case(a3, rng, size, depth=2), first_call_only=True)


def test_candidates_over_all_extensions(a3, dec, mistakes, rng, record):
    """Beam candidates: the best of ALL K*V candidates are kept, not the best extension of each hypothesis"""
    for size in a3.sizes(8, 12):
        check_candidates(a3, dec, mistakes, _case(a3, rng, size + 4, accept=_two_children_of_one_parent),
                         keep=record)


def test_candidates_random(a3, dec, mistakes, rng):
    """Beam candidates: every step keeps the best candidates of all K*V, with their logprobs (random tables)"""
    for size in a3.sizes(24, 12):
        check_candidates(a3, dec, mistakes, _case(a3, rng, size))


def test_candidates_beam_of_one_is_greedy(a3, dec, mistakes, rng):
    """Beam candidates: beam_size = 1 keeps the single best candidate at every step (greedy decoding's sequence)"""
    for size in a3.sizes(10, 10):
        case = _case(a3, rng, size, beam_size=1, accept=lambda case: a3.simulate_greedy(case[0], case[2])[1])
        if [list(h.tokens) for h in case[3].hyps] != [a3.simulate_greedy(case[0], case[2])[0]]:
            raise RuntimeError("grader problem: a beam of one differs from greedy decoding")
        check_candidates(a3, dec, mistakes, case)


def test_candidates_wide_beam_keeps_all(a3, dec, mistakes, rng):
    """Beam candidates: a beam wider than the vocabulary keeps every first-step candidate"""
    for _ in range(6):
        vocab_size = rng.randint(4, 5)
        lm = a3.PositionTable(f"{rng.getrandbits(64):x}", vocab_size, rng.uniform(-0.5, 1.0))
        max_len, beam_size = 2, vocab_size ** 2
        step = a3.PositionStep(lm, max_len)
        call = a3.beam_call(step, beam_size, max_len, 0.0)
        got = a3.hypotheses(a3.run(call, dec, mistakes), call)
        # brute force: the first tokens of every complete sequence, all of which a beam this wide keeps
        want = sorted({sequence[0] for sequence, _ in a3.enumerate_complete(lm, max_len)})

        def kept(step_, outcome):
            crash = a3.crash_view(step_, outcome)
            if crash is not None:
                return crash
            hyps = a3.quiet_hypotheses(outcome) or []
            firsts = {h.tokens[0] for h in hyps if h.tokens}
            return sorted(firsts | set(step_.calls[1].last if len(step_.calls) > 1 else []))

        seen = kept(step, got)
        if seen != want:
            raise a3.failure(WIDE_RULE, call,
                             f"kept the first-step candidates {seen} (returned, or extended by call 2)",
                             f"all {vocab_size} of them: {want}",
                             diagnosis=a3.known_mistake(mistakes, call, kept, seen), did=True,
                             notes=[a3.table_text(lm, [()])])


# ---- the report's picture: the beam, step by step ---------------------------------------------

PICTURE_STEPS, PICTURE_BEAM, PICTURE_TOKENS = 14, 12, 14
"""At most so many calls, hypotheses per call and tokens per hypothesis are recorded."""


def _hypotheses_record(hyps, vocab_size):
    """(tokens, logprob) pairs as ``[{"tokens", "logprob"}]``, best first, or None where one
    has a token that is not an id of the vocabulary or a logprob that is not a finite number."""
    shown = []
    for tokens, logprob in sorted(hyps, key=lambda h: -h[1])[:PICTURE_BEAM]:
        if not all(0 <= t < vocab_size for t in tokens) or not math.isfinite(logprob):
            return None
        shown.append({"tokens": list(tokens[:PICTURE_TOKENS]), "logprob": round(logprob, 4)})
    return shown


def _returned(seen):
    """The (tokens, logprob) pairs a run returned, from its ``_view`` (None when it crashed
    or returned nothing readable)."""
    if isinstance(seen, tuple) and len(seen) == 2 and isinstance(seen[1], tuple):
        return list(seen[1])
    return None


def _beam_picture(a3, case, step, seen):
    """The ``beam_steps`` record: the last tokens of each call the student's search made of
    step, the live hypotheses (with their logprobs) the contract's search extends at that
    call, and what each returned (the student's as the check read it, in ``seen``)."""
    lm, beam_size, max_len, run = case
    steps = []
    for k in range(min(max(len(step.calls), len(run.live_per_call)), PICTURE_STEPS)):
        live = run.live_per_call[k][:PICTURE_BEAM] if k < len(run.live_per_call) else None
        correct = None if live is None else [{"tokens": list(p), "logprob": round(lm.sequence_logprob(p), 4)}
                                             for p in live]
        steps.append({"yours": step.calls[k].last[:PICTURE_BEAM] if k < len(step.calls) else None,
                      "correct": correct})
    returned = _returned(seen)
    return {"sos": a3.SOS, "eos": a3.EOS, "beam_size": beam_size, "max_len": max_len, "steps": steps,
            "returned": {"yours": None if returned is None else _hypotheses_record(returned, lm.vocab_size),
                         "correct": _hypotheses_record([(h.tokens, h.logprob) for h in run.hyps], lm.vocab_size)}}


def _record_beam(record, a3, case, step, seen=None):
    """Record the picture of this case with ``record`` (the fixture; None: no picture), never
    failing: a picture decides nothing. It reads only what the grader already holds."""
    if record is None:
        return
    try:
        record("beam_steps", _beam_picture(a3, case, step, seen))
    except Exception:  # noqa: BLE001 - a picture is a decoration
        pass
