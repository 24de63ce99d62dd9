"""Graders: the score (logprob / len(tokens) ** alpha, <eos> counted) and the final ranking.

Every check is made on what the student's search returned: each score must follow from the
hypothesis's OWN logprob and length, and the list must be sorted by score, best first. So a
mistake in choosing candidates or in finishing (other hypotheses, or other logprobs) does
not cost these points; where the student's module has the reference's ``best_candidates``
helper, it runs as the reference's.

The fixture (the README's second example with token ids drawn from the secret-seeded rng)
is a table on which a beam of 3 finishes exactly three hypotheses:
    A = [a, <eos>]          logprob -2.0, 2 tokens
    C = [c, c2, <eos>]      logprob -2.1, 3 tokens
    B = [b, b2, b3, <eos>]  logprob -2.7, 4 tokens
Raw logprob (alpha = 0) ranks A first; per token (alpha = 1: -1.0, -0.7, -0.675) B first;
with alpha = 0.75 (-1.189, -0.921, -0.955) C first. The default alpha (1.0) has a test of
its own, whose known mistakes are recognised by what they answer both with alpha left out
and with alpha = 1.0 given (a search that ignores alpha altogether answers the same to both
calls; one whose default is another number does not).

The tables make the upper half of the vocabulary practically impossible
(conftest.in_low_half): how a search computes parents from flat indices plays no part here.
"""

from __future__ import annotations

import dataclasses

from autograder.toolkit import CheckFailed, expect_equal

VOCAB = 11
WORDS = [0, 1, 4, 5]  # the words of the lower half of the vocabulary (see conftest.in_low_half)
RULE = ("beam_search returns its hypotheses (at least one), each with score = logprob / len(tokens) ** alpha, "
        "where len(tokens) counts every generated token, <eos> included; sorted by score, best (highest) first")
DEFAULT_RULE = ("alpha defaults to 1.0: beam_search called without alpha scores every hypothesis by "
                "logprob / len(tokens) (len(tokens) counting <eos>), sorted best first")


def _scored(hyps):
    return tuple((h.tokens, h.score) for h in hyps)


def _same(a, b):
    try:
        return len(a) == len(b) and all(x[0] == y[0] and abs(x[1] - y[1]) <= 1e-5 + 1e-6 * abs(y[1])
                                        for x, y in zip(a, b))
    except (TypeError, IndexError):
        return False


def _show(pairs):
    return "[" + ", ".join(f"{list(tokens)}: {score:.6f}" for tokens, score in pairs) + "]" if pairs else "[]"


def check_scores(a3, dec, mistakes, lm, beam_size, max_len, alpha, notes=()):
    step = a3.PositionStep(lm, max_len)
    call = a3.beam_call(step, beam_size, max_len, alpha)
    got = a3.hypotheses(a3.run(call, dec, mistakes), call)
    effective = 1.0 if alpha is None else alpha
    want = [(h.tokens, a3.score_of(h.logprob, len(h.tokens), effective) if h.tokens else float("nan"))
            for h in got]
    want.sort(key=lambda pair: pair[1], reverse=True)  # stable: ties keep the student's order
    detail = []
    for h in got:
        if h.tokens and not a3.close(h.score, a3.score_of(h.logprob, len(h.tokens), effective)):
            detail.append(f"{list(h.tokens)} has logprob {h.logprob:.6f} and {len(h.tokens)} "
                          f"token{'s' * (len(h.tokens) != 1)}, so its score is "
                          f"{h.logprob:.6f} / {len(h.tokens)} ** {effective} = "
                          f"{a3.score_of(h.logprob, len(h.tokens), effective):.6f}; it came back with {h.score:.6f}")
            break
    normalize = lambda value: _scored(a3.hypotheses(value, ""))  # noqa: E731
    rule = RULE if alpha is not None else DEFAULT_RULE
    try:
        if not got:
            raise a3.failure(rule, call, "[] (no hypothesis)", "the hypotheses the search found, best score first",
                             diagnosis=mistakes.diagnose(call, (), normalize=normalize, same=_same))
        expect_equal(_scored(got), tuple(want), call, rule=rule, mistakes=mistakes, normalize=normalize,
                     same=_same, show=_show,
                     notes=detail + list(notes) + [a3.beam_table(lm, None, a3.prefixes_of(got))])
    except CheckFailed as exc:
        if alpha is None:  # the known mistake, from what the search answers with and without alpha
            diagnosis = _default_diagnosis(a3, dec, mistakes, call, _scored(got), lm, beam_size, max_len)
            raise CheckFailed(dataclasses.replace(exc.evidence, diagnosis=diagnosis)) from None
        raise


def _default_diagnosis(a3, dec, mistakes, call, got, lm, beam_size, max_len):
    """The known mistake that answers like the student both to ``call`` (alpha left out)
    and to the same call with alpha = 1.0."""
    explicit = a3.beam_call(a3.PositionStep(lm, max_len), beam_size, max_len, 1.0)
    try:
        theirs = (got, _scored(a3.hypotheses(a3.run(explicit, dec, mistakes), explicit)))
    except CheckFailed:
        theirs = (got, None)
    explicit.trusted = call.trusted

    def answers(module, call_):
        hyps = a3.quiet_hypotheses(a3.rerun(mistakes, module, call_)[1])
        return None if hyps is None else _scored(hyps)

    def behaves_like(module):
        pair = (answers(module, call), answers(module, explicit))
        return all((a is None and b is None) or (a is not None and b is not None and _same(a, b))
                   for a, b in zip(pair, theirs))

    return mistakes.recognise(call.function, behaves_like) if mistakes.available else None


def _fixture(a3, rng):
    a, c, b = rng.sample(WORDS, 3)
    c2, b2 = rng.sample(WORDS, 2)
    b3 = rng.choice(WORDS)
    eos = a3.EOS
    rows = {
        (0, a3.SOS): a3.row_with(VOCAB, {a: -1.05, c: -1.15, b: -1.25}),
        (1, a): a3.row_with(VOCAB, {eos: -0.95}),
        (1, c): a3.row_with(VOCAB, {c2: -0.35}),
        (1, b): a3.row_with(VOCAB, {b2: -0.4}),
        (2, c2): a3.row_with(VOCAB, {eos: -0.6}),
        (2, b2): a3.row_with(VOCAB, {b3: -0.5}),
        (3, b3): a3.row_with(VOCAB, {eos: -0.55}),
    }
    lm = a3.PositionTable(f"{rng.getrandbits(64):x}", VOCAB, 0.0, rows, low_half=True)
    names = {(a, eos): "A", (c, c2, eos): "C", (b, b2, b3, eos): "B"}
    return lm, names


def test_length_norm_fixture(a3, dec, mistakes, rng, student):
    """Length normalisation: raw, per-token and length ** 0.75 scores rank three finished hypotheses differently"""
    check_fixture(a3, dec, mistakes, rng, student, (0.0, 1.0, 0.75))


def check_fixture(a3, dec, mistakes, rng, student, alphas):
    lm, names = _fixture(a3, rng)
    winners = {0.0: "A", 1.0: "B", 0.75: "C", None: "B"}
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for alpha in alphas:
            max_len = rng.choice([4, 5, 6])
            run = a3.simulate_beam(lm, 3, max_len, 1.0 if alpha is None else alpha)
            if {h.tokens for h in run.hyps} != set(names) or names[run.hyps[0].tokens] != winners[alpha] \
                    or not a3.kept_in_low_half(run, VOCAB):
                raise RuntimeError("grader problem: the length-normalisation fixture does not behave as designed")
            story = "; ".join(f"{names[h.tokens]} = {list(h.tokens)}: logprob {h.logprob:.3f}, {len(h.tokens)} tokens"
                              for h in sorted(run.hyps, key=lambda h: names[h.tokens]))
            check_scores(a3, dec, mistakes, lm, 3, max_len, alpha,
                         notes=[f"On this table the beam finishes three hypotheses: {story}. With alpha = "
                                f"{1.0 if alpha is None else alpha} {winners[alpha]} has the best score."])


def _random_case(a3, rng, size, alpha):
    def build(seed):
        vocab_size, beam_size = a3.low_half_sizes(rng, size)
        max_len = rng.randint(3, 3 + min(3, size // 2))
        bias = rng.uniform(-0.5, 1.5)  # <eos> impossible at the first step: no hypothesis of one token
        lm = a3.PositionTable(seed, vocab_size, lambda position: a3.NO_EOS if position == 0 else bias,
                              low_half=True)
        return lm, beam_size, max_len, a3.simulate_beam(lm, beam_size, max_len, 1.0 if alpha is None else alpha)

    def varied(case):
        # lengths that differ, finished hypotheses and unfinished ones (max_len reached), no
        # hypothesis of one token: every way of counting the length gives other scores
        hyps = case[3].hyps
        return case[3].clear and len({len(h.tokens) for h in hyps}) > 1 \
            and {h.tokens[-1] == a3.EOS for h in hyps} == {True, False} and min(len(h.tokens) for h in hyps) > 1 \
            and a3.kept_in_low_half(case[3], case[0].vocab_size)

    return a3.draw(rng, build, varied)


def test_length_norm_scores_and_order(a3, dec, mistakes, rng, student):
    """Length normalisation: every score is logprob / len(tokens) ** alpha, and the best comes first (random tables)"""
    cases = []
    for size in a3.sizes(20, 10):
        alpha = rng.choice([0.0, 0.5, 0.75, 1.0, 1.5])
        cases.append((alpha, _random_case(a3, rng, size, alpha)))
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for alpha, (lm, beam_size, max_len, _) in cases:
            check_scores(a3, dec, mistakes, lm, beam_size, max_len, alpha)


def test_length_norm_default_alpha(a3, dec, mistakes, rng, student):
    """Length normalisation: alpha defaults to 1.0 (called without alpha, score = logprob / len(tokens))"""
    cases = [_random_case(a3, rng, size, None) for size in a3.sizes(6, 10)]
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for lm, beam_size, max_len, _ in cases:
            check_scores(a3, dec, mistakes, lm, beam_size, max_len, None)
    check_fixture(a3, dec, mistakes, rng, student, (None,))
