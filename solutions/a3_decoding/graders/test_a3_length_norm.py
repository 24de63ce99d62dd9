"""Graders: the score (logprob / len(tokens) ** alpha, <eos> counted) and the final ranking.

The fixture (from the course's reference facts, extended with a third hypothesis) builds
a step table on which a beam of 3 finishes exactly three hypotheses:
    A = [a, <eos>]          logprob -2.0, 2 tokens
    C = [c, c2, <eos>]      logprob -2.1, 3 tokens
    B = [b, b2, b3, <eos>]  logprob -2.7, 4 tokens
Raw logprob (alpha = 0) ranks A first; per token (alpha = 1: -1.0, -0.7, -0.675) B first;
with alpha = 0.75 (-1.189, -0.921, -0.955) C first. The token ids playing a, b, c ... are
drawn from the secret-seeded rng. The random test checks only what the student returned
against itself (every score from its own logprob and length, best first), so it does not
depend on which hypotheses the search found.
"""

from __future__ import annotations

VOCAB = 7
ALPHAS = (0.0, 1.0, 0.75, None)  # None: alpha left out, so the default 1.0


def _fixture(util, rng):
    a, c, b = rng.sample([4, 5, 6], 3)
    c2, b2 = rng.sample([4, 5, 6], 2)
    b3 = rng.choice([4, 5, 6])
    eos = util.EOS
    rows = {
        (0, util.SOS): util.row_with(VOCAB, {a: -1.05, c: -1.15, b: -1.25}),
        (1, a): util.row_with(VOCAB, {eos: -0.95}),
        (1, c): util.row_with(VOCAB, {c2: -0.35}),
        (1, b): util.row_with(VOCAB, {b2: -0.4}),
        (2, c2): util.row_with(VOCAB, {eos: -0.6}),
        (2, b2): util.row_with(VOCAB, {b3: -0.5}),
        (3, b3): util.row_with(VOCAB, {eos: -0.55}),
    }
    lm = util.PositionTable(f"{rng.getrandbits(64):x}", VOCAB, 0.0, rows)
    names = {(a, eos): "A", (c, c2, eos): "C", (b, b2, b3, eos): "B"}
    return lm, names


def test_length_norm_fixture(dec, util, rng):
    """Length normalisation: raw, per-token and length^0.75 scores pick different winners"""
    lm, names = _fixture(util, rng)
    winners = {0.0: "A", 1.0: "B", 0.75: "C", None: "B"}
    for alpha in ALPHAS:
        beam_size, max_len = 3, rng.choice([4, 5, 6])
        run = util.simulate_beam(lm, beam_size, max_len, 1.0 if alpha is None else alpha)
        assert {h.tokens for h in run.hyps} == set(names) and names[run.hyps[0].tokens] == winners[alpha], \
            "grader problem: the length-normalisation fixture does not behave as designed"
        story = "; ".join(f"{names[h.tokens]} = {list(h.tokens)}: logprob {h.logprob:.3f}, {len(h.tokens)} tokens"
                          for h in sorted(run.hyps, key=lambda h: names[h.tokens]))
        rule = {0.0: "alpha = 0 ranks by the raw logprob, so A (the shortest) wins",
                1.0: "alpha = 1 divides by the length (the average logprob per token), so B wins",
                0.75: "alpha = 0.75 divides by len ** 0.75, so C wins",
                None: "alpha defaults to 1.0 (divide by the length), so B wins"}[alpha]
        step = util.PositionStep(lm, max_len)
        try:
            util.check_beam(dec, lm, step, beam_size, max_len, alpha, run=run, scores=True, calls=False,
                            hint="With beam_size = 3 the search finishes exactly A, C and B (see below).")
        except AssertionError as exc:
            raise AssertionError(f"The beam finishes three hypotheses: {story}. {rule}; the length counts "
                                 f"<eos>.\n{exc}") from None


def test_length_norm_scores_and_order(dec, util, rng):
    """Length normalisation: every score is logprob / len(tokens) ** alpha, and the best comes first"""
    for size in util.sizes(24, 10):
        vocab_size = rng.randint(4, 4 + min(3, size // 3))
        beam_size = rng.randint(2, vocab_size - 1)
        max_len = rng.randint(2, 2 + min(4, size // 2))
        alpha = rng.choice([0.0, 0.5, 0.75, 1.0, 1.5, None])
        lm = util.PositionTable(f"{rng.getrandbits(64):x}", vocab_size, rng.uniform(0.0, 2.0))
        step = util.PositionStep(lm, max_len)
        call, got = util.run_beam(dec, step, beam_size, max_len, alpha)
        if not got:
            raise AssertionError(f"{call} returned an empty list; it returns every finished hypothesis (and the "
                                 f"ones still live at max_len)")
        try:
            util.check_scores_and_order(got, alpha, call)
        except AssertionError as exc:
            text = str(exc)
            if "You returned" not in text:
                text += f"\nYou returned: {util.listing(got, True)}"
            raise AssertionError(text) from None
