"""Graders: finished hypotheses leave the beam, and the search's stopping rules.

A kept candidate ending with <eos> is finished: it is never extended again, and the live
beam shrinks to beam_size - len(finished). The search stops when beam_size hypotheses are
finished or max_len tokens have been generated; then the live ones join unfinished.

These rules are checked on the student's OWN search, not against the expected one, so a
mistake in choosing candidates does not cost these points: a hypothesis of n tokens
ending with <eos> finished at step n, so the returned hypotheses say how many had
finished before every step call, hence how many hypotheses each call must extend, when
the search had to stop, and how long the unfinished ones must be. The step function is a
PositionTable (rows by position and last token, the position read from a counter in the
state), and alpha = 0. The simulated contract is used only to pick tables on which the
rule under test matters (a beam that shrinks, a search that ends early, ...).
"""

from __future__ import annotations

RULES = ("A kept candidate that ends with <eos> is finished: it leaves the beam for good and the next step "
         "extends only beam_size - len(finished) live hypotheses. The search ends when beam_size hypotheses "
         "are finished or max_len tokens have been generated; then the live ones are returned too, without "
         "<eos>.")


def _case(rng, util, size, accept=None, eos_low=0.0, eos_high=2.0):
    def build(seed):
        vocab_size = rng.randint(4, 4 + min(3, size // 3))
        beam_size = rng.randint(2, vocab_size - 1)
        max_len = rng.randint(2, 2 + min(4, size // 2))
        lm = util.PositionTable(seed, vocab_size, rng.uniform(eos_low, eos_high))
        return lm, beam_size, max_len, util.simulate_beam(lm, beam_size, max_len, 0.0)

    return util.draw(rng, build, lambda case: accept is None or accept(case))


def _check(dec, util, case):
    lm, beam_size, max_len, run = case
    step = util.PositionStep(lm, max_len)
    call, got = util.run_beam(dec, step, beam_size, max_len, 0.0)
    try:
        _check_rules(util, step, got, beam_size, max_len, call)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nYou returned: {util.listing(got)}\n{util.beam_table(lm, run)}") from None


def _check_rules(util, step, got, beam_size, max_len, call):
    eos = util.EOS
    for h in got:
        if not h.tokens:
            raise AssertionError(f"{call} returned a hypothesis without tokens; every hypothesis has at least one")
        if eos in h.tokens[:-1]:
            raise AssertionError(
                f"{call} returned {list(h.tokens)}, which goes on after <eos>. {RULES}")
    finish_lengths = sorted(len(h.tokens) for h in got if h.tokens[-1] == eos)
    calls = step.calls
    for number, record in enumerate(calls, start=1):
        if record.position != number - 1:
            raise AssertionError(
                f"{call}: call {number} of step received a state saying {record.position} tokens had been "
                f"generated; expected {number - 1}. Feed each call the state returned by the previous call "
                f"(reordered to the parents), not an older one.")
        if number == 1:
            continue  # how the search starts is checked by the candidate tests
        done = sum(1 for n in finish_lengths if n < number)
        want = beam_size - done
        if len(record.last) != want:
            why = (f"according to what you returned, {done} hypotheses had finished before call {number} "
                   f"(those ending with <eos> after fewer than {number} tokens), so beam_size - len(finished) "
                   f"= {beam_size} - {done} = {want} were live")
            raise AssertionError(f"{call}: call {number} of step extended {len(record.last)} hypotheses "
                                 f"(last tokens {record.last}); expected {want}: {why}. {RULES}")
    if len(finish_lengths) >= beam_size:
        want_calls = finish_lengths[beam_size - 1]
        reason = (f"the {beam_size}th hypothesis to finish did so at step {want_calls}, and once beam_size "
                  f"hypotheses are finished the search is over")
    else:
        want_calls = max_len
        count = len(finish_lengths)
        reason = (f"only {count} {'hypothesis' if count == 1 else 'hypotheses'} finished, fewer than beam_size = "
                  f"{beam_size}, so the search goes on until max_len = {max_len} tokens have been generated")
    if len(calls) != want_calls:
        raise AssertionError(f"{call} called step {len(calls)} times; expected {want_calls}: {reason}.")
    for h in got:
        if h.tokens[-1] != eos and len(h.tokens) != max_len:
            raise AssertionError(
                f"{call} returned {list(h.tokens)}, which has no <eos> and only {len(h.tokens)} tokens: a hypothesis "
                f"is returned unfinished only when the search reached max_len = {max_len}. {RULES}")
        if h.tokens[-1] == eos and len(h.tokens) > len(calls):
            raise AssertionError(f"{call} returned {list(h.tokens)} although step was called only {len(calls)} "
                                 f"times (one token per call)")
    if len(got) != beam_size:
        raise AssertionError(
            f"{call} returned {len(got)} hypotheses; expected beam_size = {beam_size}: when the search ends, either "
            f"beam_size hypotheses are finished, or max_len was reached and the beam_size - len(finished) live "
            f"ones join the finished ones (without <eos>).")


def _shrinks(case):
    run = case[3]
    return any(a < b for a, b in zip(run.finished_before_call, run.finished_before_call[1:]))


def _stops_early(case):
    lm, beam_size, max_len, run = case
    return len(run.live_per_call) < max_len


def _mixed_ending(case):
    ends = {h.tokens[-1] == 3 for h in case[3].hyps}
    return ends == {True, False}


def test_finishing_beam_shrinks(dec, util, rng):
    """Beam search: every finished hypothesis leaves the beam, which shrinks to beam_size - finished"""
    for size in util.sizes(10, 10):
        _check(dec, util, _case(rng, util, size + 2, accept=_shrinks))


def test_finishing_stops_when_beam_size_finished(dec, util, rng):
    """Beam search: the search stops as soon as beam_size hypotheses are finished"""
    for size in util.sizes(10, 10):
        _check(dec, util, _case(rng, util, size + 2, accept=_stops_early, eos_low=1.5, eos_high=3.0))


def test_finishing_unfinished_join_at_max_len(dec, util, rng):
    """Beam search: hypotheses still live at max_len are returned too, without <eos>"""
    for size in util.sizes(10, 10):
        _check(dec, util, _case(rng, util, size + 2, accept=_mixed_ending, eos_low=-0.5, eos_high=1.0))


def test_finishing_random(dec, util, rng):
    """Beam search: finishing and stopping on random tables with <eos>"""
    for size in util.sizes(24, 12):
        _check(dec, util, _case(rng, util, size))
