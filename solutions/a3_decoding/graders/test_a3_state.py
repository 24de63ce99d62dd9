"""Graders: the state follows the hypotheses (reordered to their parents), whatever its shape.

The step functions here read each hypothesis's history from the state and look up a row
of a PrefixTable, where every prefix has its own random row. A beam search that does not
reorder the state (or reorders only some of its tensors) feeds a hypothesis's last token
together with another hypothesis's history: the model continues a sequence that is not
the hypothesis, and the hypothesis's logprob comes from the wrong rows.

The checks use the student's own search, not the expected one, so that a mistake in
choosing candidates does not cost these points: every returned hypothesis must have been
built by the model step by step (its prefix of k tokens read by the model at call k + 1,
in the row that fed its k-th token), and its logprob must be the log-probability of its
tokens under the step function. The step itself fails when a state has the wrong number
of rows or when the tensors of a nested state disagree. alpha = 0.
"""

from __future__ import annotations

REORDER = ("After choosing the new live hypotheses, reorder the state so that row i is the row of the i-th "
           "live hypothesis's PARENT: state.index_select(0, parents), applied to every tensor of the state "
           "(recursively through nested tuples; None stays None).")


def _case(rng, util, size):
    def build(seed):
        vocab_size = rng.randint(4, 4 + min(3, size // 3))
        beam_size = rng.randint(2, vocab_size - 1)
        max_len = rng.randint(3, 3 + min(3, size // 3))
        lm = util.PrefixTable(seed, vocab_size, rng.uniform(-1.0, 1.0))
        return lm, beam_size, max_len, util.simulate_beam(lm, beam_size, max_len, 0.0)

    # a case where the beam really reorders: some step keeps children in an order that
    # differs from their parents' rows, drops a parent, or copies one twice
    def reorders(case):
        run = case[3]
        for before, after in zip(run.live_per_call, run.live_per_call[1:]):
            if [p[:-1] for p in after] != list(before)[:len(after)]:
                return True
        return False

    def finishes(case):  # at least one hypothesis ends with <eos>
        return any(h.tokens[-1] == util.EOS for h in case[3].hyps)

    return util.draw(rng, build, lambda case: reorders(case) and finishes(case))


def _check(dec, util, lm, beam_size, max_len, run, step, state_text="state"):
    call, got = util.run_beam(dec, step, beam_size, max_len, 0.0, state_text)
    try:
        if not got:
            raise AssertionError(f"{call} returned no hypothesis")
        if isinstance(step, util.HistoryStep):
            _check_built_step_by_step(util, step, got, call)
        for h in got:
            truth = lm.sequence_logprob(h.tokens)
            if not util.close(h.logprob, truth):
                raise AssertionError(
                    f"{call} returned {list(h.tokens)} with logprob {h.logprob:.6f}, but under the step function "
                    f"these tokens have log-probability {truth:.6f}: each kept candidate's logprob is its parent's "
                    f"logprob + log p(token | parent), from the PARENT's row of log_probs, and the parent's row "
                    f"of the state must go with it. {REORDER}")
    except AssertionError as exc:
        extra = [h.tokens[:i] for h in got for i in range(len(h.tokens))]
        raise AssertionError(f"{exc}\nYou returned: {util.listing(got)}\n{util.beam_table(lm, run, extra)}") from None


def _check_built_step_by_step(util, step, got, call):
    reads = [set(record.prefixes) for record in step.calls]
    for h in got:
        for k in range(1, len(h.tokens)):
            prefix = h.tokens[:k]
            if k < len(reads) and prefix in reads[k]:
                continue
            record = step.calls[k] if k < len(step.calls) else None
            rows = [] if record is None else [
                list(history[1:]) for history, last in zip(record.histories, record.last) if last == prefix[-1]]
            if rows:
                seen = " or ".join(f"<sos> {' '.join(map(str, row))}".rstrip() for row in rows)
                raise AssertionError(
                    f"{call} returned {list(h.tokens)}. To extend its first {k} tokens {list(prefix)}, call {k + 1} "
                    f"of step should feed the token {prefix[-1]} with the state of <sos> "
                    f"{' '.join(map(str, prefix[:-1]))}, but the row that fed {prefix[-1]} had the state of {seen}: "
                    f"the model continued another hypothesis. {REORDER}")
            raise AssertionError(
                f"{call} returned {list(h.tokens)}, but no call of step ever extended its first {k} tokens "
                f"{list(prefix)} (call {k + 1} should have fed their last token {prefix[-1]} with their state). "
                f"{REORDER}")


def test_beam_state_reordered_tensor(dec, util, rng):
    """Beam search: the state tensor is reordered to follow each hypothesis's parent"""
    for size in util.sizes(16, 10):
        lm, beam_size, max_len, run = _case(rng, util, size)
        _check(dec, util, lm, beam_size, max_len, run, util.HistoryStep(lm, max_len, "tensor"))


def test_beam_state_reordered_nested_tuple(dec, util, rng):
    """Beam search: every tensor of a nested tuple state is reordered the same way (dim 0)"""
    for size in util.sizes(12, 10):
        lm, beam_size, max_len, run = _case(rng, util, size)
        _check(dec, util, lm, beam_size, max_len, run, util.HistoryStep(lm, max_len, "nested"))


def test_beam_state_none(dec, util, rng):
    """Beam search: a state of None is passed on as None"""
    for size in util.sizes(6, 10):
        def build(seed):
            vocab_size = rng.randint(4, 7)
            beam_size = rng.randint(2, vocab_size - 1)
            max_len = rng.randint(2, 5)
            lm = util.BigramTable(seed, vocab_size, rng.uniform(-1.0, 1.0))
            return lm, beam_size, max_len, util.simulate_beam(lm, beam_size, max_len, 0.0)

        lm, beam_size, max_len, run = util.draw(rng, build, lambda case: any(h.tokens[-1] == util.EOS for h in case[3].hyps))
        _check(dec, util, lm, beam_size, max_len, run, util.NoStateStep(lm, max_len), state_text="None")
