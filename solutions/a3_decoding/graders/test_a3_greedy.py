"""Graders: greedy decoding (argmax at every step, stop at <eos> or max_len, state passed on).

The step functions read the prefix from a history tensor in the state (PrefixTable), so a
greedy decoder that does not feed each call the state returned by the previous one looks
up the wrong rows. Calls of step after the last returned token are tolerated (the contract
does not count them); everything before is checked against the returned tokens.
"""

from __future__ import annotations


def _case(rng, util, size, eos_bias=None, accept=None):
    def build(seed):
        vocab_size = rng.randint(4, 4 + min(3, size // 4))
        max_len = rng.randint(1, 2 + min(4, size // 3))
        bias = rng.uniform(-1.0, 2.0) if eos_bias is None else eos_bias
        return util.PrefixTable(seed, vocab_size, bias), max_len

    def ok(case):
        tokens, clear = util.simulate_greedy(*case)
        return clear and (accept is None or accept(tokens, case[1]))

    return util.draw(rng, build, ok)


def _check_greedy(dec, util, lm, max_len, layout="tensor"):
    want, _ = util.simulate_greedy(lm, max_len)
    step = util.NoStateStep(lm, max_len) if layout == "none" else util.HistoryStep(lm, max_len, layout)
    call = util.greedy_call(max_len, "None" if layout == "none" else "state")
    got = util.greedy_result(util.run(dec.greedy_decode, step, step.initial_state(), sos_id=util.SOS,
                                      eos_id=util.EOS, max_len=max_len, context=call), call)
    table = util.table_text(lm, [tuple(want[:i]) for i in range(len(want))] +
                            [tuple(got[:i]) for i in range(1, min(len(got), max_len + 1))])
    if list(got) == [util.SOS] + want:
        raise AssertionError(f"{call} returned {list(got)}; expected {want}: the output must not include the <sos> "
                             f"start token.\n{table}")
    _check_protocol(util, step, got, call, table)
    if list(got) != want:
        if len(got) > len(want) and list(got[:len(want)]) == want and want[-1] == util.EOS:
            why = "stop right after <eos>: it is the last token of the output"
        elif len(got) > max_len:
            why = f"at most max_len = {max_len} tokens may be generated"
        elif len(got) < len(want) and list(got) == want[:len(got)]:
            why = ("the decoder stopped too early: it goes on until it produces <eos> or has generated "
                   "max_len tokens")
        else:
            why = "at every step take the token with the highest log-probability (argmax of the row)"
        raise AssertionError(f"{call} returned {list(got)}; expected {want}: {why}.\n{table}")


def _check_protocol(util, step, got, call, table):
    for number, record in enumerate(step.calls[:len(got)], start=1):
        if len(record.last) != 1:
            raise AssertionError(
                f"{call}: call {number} of step passed {len(record.last)} tokens {record.last}; greedy decoding "
                f"extends ONE hypothesis, so last_tokens has shape [1].")
        fed = record.last[0]
        want_fed = util.SOS if number == 1 else got[number - 2]
        if fed != want_fed:
            what = "<sos>" if number == 1 else f"the token it chose at the previous step ({want_fed})"
            raise AssertionError(
                f"{call}: call {number} of step fed the token {fed}; it should feed {what}. Your output was "
                f"{list(got)}.\n{table}")
        if record.histories is not None:
            seen = list(record.histories[0])
            want_seen = [util.SOS] + list(got[:number - 2]) if number > 1 else []
            if seen != want_seen:
                def text(tokens):
                    return " ".join(["<sos>"] + [str(t) for t in tokens[1:]]) if tokens else "nothing"
                raise AssertionError(
                    f"{call}: call {number} of step received a state that has read {text(seen)}, but by then the "
                    f"decoder had fed {text(want_seen)}. Pass each call the state returned by the previous call "
                    f"(the model remembers the sequence in it), not the initial state again.")


def test_greedy_random_tables(dec, util, rng):
    """Greedy decoding: the argmax at every step, on random log-probability tables"""
    for size in util.sizes(30, 16):
        lm, max_len = _case(rng, util, size)
        _check_greedy(dec, util, lm, max_len)


def test_greedy_stops_at_eos(dec, util, rng):
    """Greedy decoding: stops right after producing <eos> (which is part of the output)"""
    for size in util.sizes(10, 16):
        lm, max_len = _case(rng, util, size + 8, eos_bias=1.5,
                            accept=lambda tokens, max_len: tokens[-1] == util.EOS and len(tokens) < max_len)
        _check_greedy(dec, util, lm, max_len)


def test_greedy_respects_max_len(dec, util, rng):
    """Greedy decoding: at most max_len tokens when <eos> is never the best token"""
    for max_len in (1, 2, 3, 5, 6):
        lm = util.draw(rng, lambda seed: util.PrefixTable(seed, rng.randint(4, 7), -30.0),
                       lambda lm: util.simulate_greedy(lm, max_len)[1])
        _check_greedy(dec, util, lm, max_len)


def test_greedy_state_none_and_nested(dec, util, rng):
    """Greedy decoding: a state of None is passed on as None; a nested tuple state is passed on whole"""
    for size in util.sizes(8, 16):
        def build(seed):
            return util.BigramTable(seed, rng.randint(4, 7), rng.uniform(-1.0, 1.5))
        max_len = rng.randint(2, 6)
        lm = util.draw(rng, build, lambda lm: util.simulate_greedy(lm, max_len)[1])
        _check_greedy(dec, util, lm, max_len, layout="none")
        lm, max_len = _case(rng, util, size)
        _check_greedy(dec, util, lm, max_len, layout="nested")
