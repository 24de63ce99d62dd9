"""Graders: greedy decoding (argmax at every step, fed back with the new state; stop right
after <eos> or at max_len tokens; no <sos> in the output).

The step functions read the prefix from a history in the state (PrefixTable), so a greedy
decoder that does not feed each call the state returned by the previous one looks up the
wrong rows. Calls of step after the last returned token are tolerated (the contract does
not count them); everything before is checked against the returned tokens. The stopping
tests look at the student's own output (where it stops), so the title's rule is the one
checked.
"""

from __future__ import annotations

from autograder.toolkit import describe, expect_equal

RULE = ("greedy decoding feeds <sos>, takes the argmax of every row of log-probabilities and feeds it back with "
        "the state step returned; the output is the generated tokens (no <sos>), ending right after <eos> or "
        "at max_len tokens")
EOS_RULE = "greedy decoding stops right after producing <eos>, which is the last token of the output"
MAX_LEN_RULE = ("greedy decoding generates at most max_len tokens: it stops at max_len tokens when <eos> has not "
                "come")
FEED_RULE = ("call n + 1 of step feeds the token chosen at step n (the first call feeds <sos>), one hypothesis "
             "(last_tokens of shape [1]), with the state returned by call n")


def _case(a3, rng, size, eos_bias=None, accept=None):
    def build(seed):
        vocab_size = rng.randint(5, 5 + min(2, size // 4))
        max_len = rng.randint(1, 2 + min(4, size // 3))
        bias = rng.uniform(-1.0, 2.0) if eos_bias is None else eos_bias
        return a3.PrefixTable(seed, vocab_size, bias), max_len

    def ok(case):
        tokens, clear = a3.simulate_greedy(*case)
        return clear and (accept is None or accept(tokens, case[1]))

    return a3.draw(rng, build, ok)


def _run(a3, dec, mistakes, lm, max_len, layout):
    step = a3.NoStateStep(lm, max_len) if layout == "none" else a3.HistoryStep(lm, max_len, layout)
    call = a3.greedy_call(step, max_len, "None" if layout == "none" else "state")
    got = a3.token_list(a3.run(call, dec, mistakes), call)
    want, _ = a3.simulate_greedy(lm, max_len)
    table = a3.table_text(lm, [tuple(want[:i]) for i in range(len(want))] +
                          [tuple(got[:i]) for i in range(1, min(len(got), max_len + 1))])
    return call, step, got, tuple(want), table


def _normalize(a3):
    return lambda value: a3.token_list(value, "")


def check_greedy(a3, dec, mistakes, lm, max_len, layout="tensor"):
    """The whole output against the argmax walk, then the calls of step behind it."""
    call, step, got, want, table = _run(a3, dec, mistakes, lm, max_len, layout)
    expect_equal(got, want, call, rule=RULE, mistakes=mistakes, normalize=_normalize(a3), notes=[table],
                 show=lambda tokens: describe(list(tokens)))
    _check_feeding(a3, mistakes, call, step, got, table)


def _feeding(step, got):
    """What each call up to the last returned token was fed: (K, token, history read before)."""
    return tuple((len(c.last), c.last[0] if c.last else None, None if c.histories is None else c.histories[0])
                 for c in step.calls[:len(got)])


def _check_feeding(a3, mistakes, call, step, got, table):
    seen = _feeding(step, got)

    def view(step_, outcome):
        try:
            return _feeding(step_, a3.token_list(outcome, ""))
        except AssertionError:
            return None

    for number, (k, fed, history) in enumerate(seen, start=1):
        want_fed = a3.SOS if number == 1 else got[number - 2]
        want_history = () if number == 1 else (a3.SOS,) + tuple(got[:number - 2])
        if k != 1 or fed != want_fed or (history is not None and history != want_history):
            def text(tokens):
                return " ".join(["<sos>"] + [str(t) for t in tokens[1:]]) if tokens else "nothing"

            observed = (f"made call {number} of step feeding {step.calls[number - 1].last}"
                        + ("" if history is None else f" with a state that had read {text(history)}"))
            expected = (f"[{want_fed}]" + ("" if history is None else f" with a state that had read "
                                           f"{text(want_history)}") + f" (your output was {list(got)})")
            raise a3.failure(FEED_RULE, call, observed, expected,
                             diagnosis=a3.known_mistake(mistakes, call, view, seen), did=True, notes=[table])


def test_greedy_random_tables(a3, dec, mistakes, rng):
    """Greedy decoding: the output is the argmax at every step, fed back with the new state, up to <eos> or max_len"""
    for size in a3.sizes(30, 16):
        lm, max_len = _case(a3, rng, size)
        check_greedy(a3, dec, mistakes, lm, max_len)


def test_greedy_stops_at_eos(a3, dec, mistakes, rng):
    """Greedy decoding: the output ends right after <eos>: <eos> is its last token and nothing follows it"""
    for size in a3.sizes(10, 16):
        lm, max_len = _case(a3, rng, size + 8, eos_bias=1.5,
                            accept=lambda tokens, max_len: tokens[-1] == a3.EOS and len(tokens) < max_len)
        call, step, got, want, table = _run(a3, dec, mistakes, lm, max_len, "tensor")
        ends_at_eos = a3.EOS in got and got.index(a3.EOS) == len(got) - 1
        if not ends_at_eos and not (a3.EOS not in got and len(got) == max_len):
            raise a3.failure(EOS_RULE, call, describe(list(got)),
                             f"an output whose first <eos> ({a3.EOS}) is its last token; here greedy decoding "
                             f"gives {list(want)}",
                             diagnosis=mistakes.diagnose(call, got, normalize=_normalize(a3)), notes=[table])


def test_greedy_respects_max_len(a3, dec, mistakes, rng):
    """Greedy decoding: exactly max_len tokens when <eos> is never the best token"""
    for max_len in (1, 2, 3, 5, 6):
        lm = a3.draw(rng, lambda seed: a3.PrefixTable(seed, rng.randint(5, 7), -30.0),
                     lambda lm: a3.simulate_greedy(lm, max_len)[1])
        call, step, got, want, table = _run(a3, dec, mistakes, lm, max_len, "tensor")
        if len(got) != max_len:
            raise a3.failure(MAX_LEN_RULE, call, f"{describe(list(got))}: {len(got)} tokens",
                             f"{max_len} token{'s' if max_len > 1 else ''} (<eos> never comes here), as in "
                             f"{list(want)}",
                             diagnosis=mistakes.diagnose(call, got, normalize=_normalize(a3)), notes=[table])


def test_greedy_state_none(a3, dec, mistakes, rng):
    """Greedy decoding: with state=None (a model without memory) None is passed on, and the argmax taken"""
    for _ in range(8):
        max_len = rng.randint(2, 6)
        lm = a3.draw(rng, lambda seed: a3.BigramTable(seed, rng.randint(5, 7), rng.uniform(-1.0, 1.5)),
                     lambda lm: a3.simulate_greedy(lm, max_len)[1])
        check_greedy(a3, dec, mistakes, lm, max_len, layout="none")


def test_greedy_state_nested(a3, dec, mistakes, rng):
    """Greedy decoding: a nested tuple state is passed on whole, as step returned it"""
    for size in a3.sizes(8, 16):
        lm, max_len = _case(a3, rng, size)
        check_greedy(a3, dec, mistakes, lm, max_len, layout="nested")
