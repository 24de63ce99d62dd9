"""Graders: whole searches, compared with the expected result in every detail (the step
calls, the hypotheses, their logprobs and scores, their order).

* beam_size = 1 is greedy decoding;
* a beam too wide to ever prune anything is exhaustive search: the expectation is pure
  brute force, every sequence that ends with <eos> or reaches max_len, with its exact
  logprob, sorted by score;
* any beam on random tables with <eos>: beam search with a narrow beam is NOT exhaustive
  search, so the expectation is the simulated contract (see conftest.py).

The step function is a PositionTable (no state reordering involved).
"""

from __future__ import annotations


def test_search_beam_size_one_is_greedy(dec, util, rng):
    """Beam search: beam_size = 1 returns greedy decoding's sequence"""
    for size in util.sizes(16, 10):
        def build(seed):
            lm = util.PositionTable(seed, rng.randint(4, 4 + min(3, size // 3)), rng.uniform(-0.5, 2.0))
            max_len = rng.randint(1, 2 + min(4, size // 2))
            return lm, max_len, util.simulate_beam(lm, 1, max_len, 1.0), util.simulate_greedy(lm, max_len)

        lm, max_len, run, (greedy, clear) = util.draw(rng, build, lambda case: case[2].clear and case[3][1])
        assert [list(h.tokens) for h in run.hyps] == [greedy], "grader problem: beam 1 differs from greedy"
        step = util.PositionStep(lm, max_len)
        util.check_beam(dec, lm, step, 1, max_len, None, run=run,
                        hint=f"With beam_size = 1 the search keeps the single best candidate at every step, which "
                             f"is greedy decoding: expected exactly one hypothesis with the tokens {greedy}.")


def test_search_wide_beam_is_exhaustive(dec, util, rng):
    """Beam search: a beam wider than V ** max_len returns every complete sequence, best score first"""
    for size in util.sizes(6, 6):
        alpha = rng.choice([0.0, 0.5, 1.0])

        def build(seed):
            vocab_size = rng.randint(4, 5)
            max_len = rng.randint(1, 2 + min(1, size // 3))
            return util.PositionTable(seed, vocab_size, rng.uniform(-0.5, 1.0)), max_len

        def clear(case):
            lm, max_len = case
            ranked = sorted(util.enumerate_complete(lm, max_len),
                            key=lambda s: util.score_of(s[1], len(s[0]), alpha), reverse=True)
            scores = [util.score_of(lp, len(t), alpha) for t, lp in ranked]
            return all(x - y >= util.GAP for x, y in zip(scores, scores[1:]))

        lm, max_len = util.draw(rng, build, clear)
        beam_size = lm.vocab_size ** max_len
        complete = util.enumerate_complete(lm, max_len)
        want = sorted((util.Hyp(t, lp, util.score_of(lp, len(t), alpha)) for t, lp in complete),
                      key=lambda h: h.score, reverse=True)
        run = util.simulate_beam(lm, beam_size, max_len, alpha)
        assert [h.tokens for h in run.hyps] == [h.tokens for h in want], "grader problem: wide beam is not exhaustive"
        step = util.PositionStep(lm, max_len)
        note = (f"With beam_size = {beam_size} and V = {lm.vocab_size}, the first step has fewer candidates "
                f"(K*V = {lm.vocab_size}) than places in the beam: keep them all (torch.topk needs k <= the "
                f"number of elements, so take k = min(beam_size - len(finished), K*V)).")
        util.check_beam(dec, lm, step, beam_size, max_len, alpha, run=run, scores=True, error_hint=note,
                        hint=f"A beam of {beam_size} >= V ** max_len never prunes anything: every sequence that ends "
                             f"with <eos> or reaches max_len ({len(want)} of them) must come back, sorted by score. "
                             f"When beam_size - len(finished) exceeds the K*V candidates, keep them all (torch.topk "
                             f"needs k <= the number of elements).")


def test_search_random_tables(dec, util, rng):
    """Beam search: whole searches on random tables with <eos>, various beam sizes and alphas"""
    for size in util.sizes(24, 12):
        alpha = rng.choice([0.0, 0.5, 0.75, 1.0, 1.5, None])

        def build(seed):
            vocab_size = rng.randint(4, 4 + min(3, size // 3))
            beam_size = rng.randint(2, vocab_size - 1)
            max_len = rng.randint(2, 2 + min(4, size // 2))
            lm = util.PositionTable(seed, vocab_size, rng.uniform(-0.5, 2.0))
            return lm, beam_size, max_len, util.simulate_beam(lm, beam_size, max_len, 1.0 if alpha is None else alpha)

        lm, beam_size, max_len, run = util.draw(rng, build, lambda case: case[3].clear)
        util.check_beam(dec, lm, util.PositionStep(lm, max_len), beam_size, max_len, alpha, run=run, scores=True,
                        hint="Keep the best beam_size - len(finished) of all K*V candidates; a candidate ending "
                             "with <eos> leaves the beam; stop when beam_size are finished or after max_len "
                             "tokens; return the finished and the live ones, best score first.")
