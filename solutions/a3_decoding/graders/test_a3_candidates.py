"""Graders: which candidates beam search keeps (one start hypothesis, the best of all K*V).

<eos> is made (almost) impossible here (log p about -30), so nothing finishes and the beam
always holds beam_size hypotheses: these tests are about the ranking of candidates only.
The step function is a PositionTable: its rows depend on the position and the last token,
and it reads the position from a counter in the state, so state reordering plays no part.
"""

from __future__ import annotations

NO_EOS = -30.0
HINT = ("At every step, score every extension (hypothesis i, token y) as logprob_i + log p(y | i) and keep "
        "the best beam_size of ALL K*V candidates (highest first); each kept candidate copies its own "
        "parent's tokens and adds its token.")


def _case(rng, util, size, accept=None, max_len=None):
    fixed_len = max_len

    def build(seed):
        vocab_size = rng.randint(4, 4 + min(3, size // 3))
        beam_size = rng.randint(2, vocab_size - 1)
        max_len = fixed_len or rng.randint(2, 2 + min(3, size // 3))
        lm = util.PositionTable(seed, vocab_size, NO_EOS)
        return lm, beam_size, max_len, util.simulate_beam(lm, beam_size, max_len, 1.0)

    return util.draw(rng, build, lambda case: case[3].clear and (accept is None or accept(case)))


def _two_children_of_one_parent(case):
    """Some step keeps two extensions of one parent and none of another parent."""
    run = case[3]
    for before, after in zip(run.live_per_call, run.live_per_call[1:]):
        parents = [prefix[:-1] for prefix in after]
        if len(set(parents)) < len(parents) and set(before) - set(parents):
            return True
    return False


def test_beam_first_step_single_hypothesis(dec, util, rng):
    """Beam search: the first step extends ONE hypothesis (<sos>), so the beam holds no duplicates"""
    for size in (3, 6, 9, 12):
        lm, beam_size, max_len, run = _case(rng, util, size, max_len=1)
        step = util.PositionStep(lm, max_len)
        util.check_beam(dec, lm, step, beam_size, max_len, None, run=run, hint=HINT)


def test_beam_candidates_over_all_extensions(dec, util, rng):
    """Beam search: the best beam_size of ALL K*V candidates, not the best of each hypothesis"""
    for size in util.sizes(8, 12):
        lm, beam_size, max_len, run = _case(rng, util, size + 4, accept=_two_children_of_one_parent)
        step = util.PositionStep(lm, max_len)
        util.check_beam(dec, lm, step, beam_size, max_len, None, run=run,
                        hint=HINT + " Here two extensions of the same hypothesis are among the best, and "
                             "another hypothesis has no extension good enough to stay.")


def test_beam_candidates_random(dec, util, rng):
    """Beam search: the kept hypotheses and their logprobs on random tables (no <eos>)"""
    for size in util.sizes(30, 12):
        lm, beam_size, max_len, run = _case(rng, util, size)
        step = util.PositionStep(lm, max_len)
        util.check_beam(dec, lm, step, beam_size, max_len, None, run=run, hint=HINT)
