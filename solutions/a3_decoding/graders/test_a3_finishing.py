"""Graders: finished hypotheses leave the beam, and the search's stopping rules.

A kept candidate ending with <eos> is finished: it is never extended again, and the live
beam shrinks to beam_size - len(finished). The search stops when beam_size hypotheses are
finished or max_len tokens have been generated; then the live ones are returned too,
without <eos>.

These rules are checked on the student's OWN search, not against the expected one, so a
mistake in choosing candidates does not cost these points: a hypothesis of n tokens ending
with <eos> finished at step n, so the returned hypotheses say how many had finished before
every step call, hence how many hypotheses each call must extend, when the search had to
stop, and how long the unfinished ones must be. The tables keep every candidate the search
keeps in the lower half of the vocabulary (conftest.in_low_half), so a search whose parent
arithmetic rounds instead of flooring runs as a correct one here; where the student's
module has the reference's ``best_candidates`` helper, it runs as the reference's (a search
that cannot pick candidates at all is charged to the candidates only). The step function
is a PositionTable, alpha = 0. The simulated contract only picks tables on which the rule
under test matters (a beam that shrinks for a while and a search that ends early, ...).
"""

from __future__ import annotations

AFTER_EOS_RULE = ("a kept candidate that ends with <eos> is finished: it leaves the beam for good and is never "
                  "extended, so <eos> is only ever the last token of a hypothesis")
SHRINK_RULE = ("a finished hypothesis leaves the beam: the call of step at step n extends beam_size - (the number "
               "of hypotheses finished before step n) live hypotheses")
STOP_RULE = ("the search goes on while fewer than beam_size hypotheses are finished and fewer than max_len tokens "
             "have been generated, one call of step per token, and stops then")
SEARCH_RULE = "beam search calls step, one call per generated token, and returns the hypotheses it found"
JOIN_RULE = ("when max_len tokens have been generated, the hypotheses still live are returned too, without <eos>: "
             "the result holds beam_size hypotheses, and an unfinished one has max_len tokens")


def _case(a3, rng, size, accept=None, eos_low=0.0, eos_high=2.0):
    def build(seed):
        vocab_size, beam_size = a3.low_half_sizes(rng, size)
        max_len = rng.randint(2, 2 + min(4, size // 2))
        lm = a3.PositionTable(seed, vocab_size, rng.uniform(eos_low, eos_high), low_half=True)
        return lm, beam_size, max_len, a3.simulate_beam(lm, beam_size, max_len, 0.0)

    def ok(case):
        lm, _, _, run = case
        return a3.kept_in_low_half(run, lm.vocab_size) and (accept is None or accept(case))

    return a3.draw(rng, build, ok)


def _view(a3):
    def view(step, outcome):
        crash = a3.crash_view(step, outcome)
        if crash is not None:
            return crash
        hyps = a3.quiet_hypotheses(outcome)
        return tuple(len(c.last) for c in step.calls), None if hyps is None else a3.tokens_of(hyps)

    return view


def after_eos(a3, got, step, beam_size, max_len):
    for h in got:
        if a3.EOS in h.tokens[:-1]:
            return AFTER_EOS_RULE, f"{list(h.tokens)}, which goes on after <eos> ({a3.EOS})", \
                "hypotheses that end where they produce <eos>"
    return None


def _finish_lengths(a3, got):
    return sorted(len(h.tokens) for h in got if h.tokens and h.tokens[-1] == a3.EOS)


def shrinks(a3, got, step, beam_size, max_len):
    lengths = _finish_lengths(a3, got)
    for number, record in enumerate(step.calls[1:], start=2):
        done = sum(1 for n in lengths if n < number)
        want = beam_size - done
        if len(record.last) != want:
            return SHRINK_RULE, f"made call {number} of step extending {len(record.last)} hypotheses (last " \
                                f"tokens {record.last})", \
                f"{want}: by your result, {done} {'hypothesis' if done == 1 else 'hypotheses'} had finished " \
                f"before step {number} (ending with <eos> after fewer than {number} tokens), so {beam_size} - " \
                f"{done} = {want} were live"
    return None


def stops(a3, got, step, beam_size, max_len):
    lengths = _finish_lengths(a3, got)
    if len(lengths) >= beam_size:
        want = lengths[beam_size - 1]
        nth = {1: "1st", 2: "2nd", 3: "3rd"}.get(beam_size, f"{beam_size}th")
        reason = f"by your result, the {nth} hypothesis to finish did so at step {want}"
    else:
        want = max_len
        reason = (f"by your result, only {len(lengths)} of beam_size = {beam_size} hypotheses finished, so the "
                  f"search goes on to max_len = {max_len}")
    if len(step.calls) != want:
        return STOP_RULE, f"called step {len(step.calls)} time{'s' * (len(step.calls) != 1)}", \
            f"{want} call{'s' * (want != 1)}: {reason}"
    return None


def joins(a3, got, step, beam_size, max_len):
    for h in got:
        if not h.tokens or (h.tokens[-1] != a3.EOS and len(h.tokens) != max_len):
            return JOIN_RULE, f"{list(h.tokens)}: no <eos> and {len(h.tokens)} token{'s' * (len(h.tokens) != 1)}", \
                f"unfinished hypotheses of max_len = {max_len} tokens"
    if len(got) != beam_size:
        return JOIN_RULE, f"{len(got)} {'hypothesis' if len(got) == 1 else 'hypotheses'}: {a3.listing(got)}", \
            f"beam_size = {beam_size}: the finished ones, and at max_len the live ones without <eos>"
    return None


ALL = (after_eos, shrinks, stops, joins)


def check(a3, dec, mistakes, case, rules):
    lm, beam_size, max_len, run = case
    step = a3.PositionStep(lm, max_len)
    call = a3.beam_call(step, beam_size, max_len, 0.0)
    value = a3.run(call, dec, mistakes)
    got = a3.hypotheses(value, call)
    if not step.calls or not got:  # a search that does nothing breaks no finishing rule: it fails here
        raise a3.failure(SEARCH_RULE, call, "never called step" if not step.calls else "[] (no hypothesis)",
                         "calls of step and the hypotheses found", did=not step.calls)
    for rule in rules:
        broken = rule(a3, got, step, beam_size, max_len)
        if broken is not None:
            view = _view(a3)
            text, observed, expected = broken
            raise a3.failure(text, call, observed, expected, did=rule in (shrinks, stops),
                             diagnosis=a3.known_mistake(mistakes, call, view, view(step, value)),
                             notes=[f"You returned: {a3.listing(got)}", a3.beam_table(lm, run, a3.prefixes_of(got))])


def _shrinks(case):
    run = case[3]
    return any(a < b for a, b in zip(run.finished_before_call, run.finished_before_call[1:]))


def _shrinks_and_stops_early(case):
    """A hypothesis finishes, the beam shrinks for at least two more calls, and beam_size
    hypotheses are finished before max_len."""
    before = case[3].finished_before_call
    return len(before) >= 3 and before[-2] > 0 and _stops_early(case)


def _stops_early(case):
    return len(case[3].live_per_call) < case[2]


def _mixed_ending(case):
    return {h.tokens[-1] == 3 for h in case[3].hyps} == {True, False}


def _finishes_before_the_end(case):
    lm, beam_size, max_len, run = case
    return any(h.tokens[-1] == 3 and len(h.tokens) < max_len for h in run.hyps)


def test_finishing_never_extended(a3, dec, mistakes, rng, student):
    """Finishing: a hypothesis that produced <eos> is never extended (<eos> is always its last token)"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(10, 10):
            check(a3, dec, mistakes, _case(a3, rng, size + 2, accept=_finishes_before_the_end), [after_eos])


def test_finishing_beam_shrinks(a3, dec, mistakes, rng, student):
    """Finishing: every finished hypothesis leaves the beam, which shrinks to beam_size - finished"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(10, 10):
            case = _case(a3, rng, size + 6, accept=_shrinks_and_stops_early, eos_low=1.0, eos_high=2.5)
            check(a3, dec, mistakes, case, [shrinks])


def test_finishing_stops_when_beam_size_finished(a3, dec, mistakes, rng, student):
    """Finishing: the search stops as soon as beam_size hypotheses are finished, or after max_len tokens"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(10, 10):
            check(a3, dec, mistakes, _case(a3, rng, size + 2, accept=_stops_early, eos_low=1.5, eos_high=3.0),
                  [stops])


def test_finishing_unfinished_join_at_max_len(a3, dec, mistakes, rng, student):
    """Finishing: hypotheses still live at max_len are returned too, without <eos>"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(10, 10):
            check(a3, dec, mistakes, _case(a3, rng, size + 2, accept=_mixed_ending, eos_low=-0.5, eos_high=1.0),
                  [joins])


def test_finishing_random(a3, dec, mistakes, rng, student):
    """Finishing: no token after <eos>, the beam shrinks, the search stops and returns beam_size (random tables)"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(24, 12):
            check(a3, dec, mistakes, _case(a3, rng, size), ALL)
