"""Graders: the state follows the hypotheses (reordered to their parents), whatever its shape.

The step functions here read each hypothesis's history from the state and look up a row
of a PrefixTable, where every prefix has its own random row. A beam search that does not
reorder the state (or reorders only some of its tensors, or keeps the rows of finished
hypotheses) feeds a hypothesis's last token together with another hypothesis's history:
the model continues a sequence that is not the hypothesis.

The checks use the student's OWN search, not the expected one, so that a mistake in
choosing candidates or in finishing does not cost these points: every returned hypothesis
must have been built by the model step by step (its prefix of k tokens read at call k + 1,
in the row that fed its k-th token, with its parent's history). The step itself refuses a
state with the wrong number of rows, or whose tensors disagree. The tables keep every
candidate the search keeps in the lower half of the vocabulary (conftest.in_low_half), so
the parent arithmetic plays no part; where the student's module has the reference's
``best_candidates`` helper, it runs as the reference's. alpha = 0.
(The A2 model's tuple state is checked the same way in test_a3_with_model.py.)
"""

from __future__ import annotations


def _case(a3, rng, size):
    def build(seed):
        vocab_size, beam_size = a3.low_half_sizes(rng, size)
        max_len = rng.randint(3, 3 + min(3, size // 3))
        lm = a3.PrefixTable(seed, vocab_size, rng.uniform(-1.0, 1.0), low_half=True)
        return lm, beam_size, max_len, a3.simulate_beam(lm, beam_size, max_len, 0.0)

    # a case where the beam really reorders: some step keeps children in an order that
    # differs from their parents' rows, drops a parent, or copies one twice
    def reorders(case):
        run = case[3]
        for before, after in zip(run.live_per_call, run.live_per_call[1:]):
            if [p[:-1] for p in after] != list(before)[:len(after)]:
                return True
        return False

    def finishes(case):  # at least one hypothesis ends with <eos>, before max_len
        return any(h.tokens[-1] == a3.EOS and len(h.tokens) < case[2] for h in case[3].hyps)

    return a3.draw(rng, build, lambda case: reorders(case) and finishes(case)
                   and a3.kept_in_low_half(case[3], case[0].vocab_size))


def test_state_reordered_tensor(a3, dec, mistakes, rng, student):
    """Beam state: the state tensor is reordered so that every hypothesis continues from its parent's row"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(16, 10):
            lm, beam_size, max_len, _ = _case(a3, rng, size)
            step = a3.HistoryStep(lm, max_len, "tensor")
            a3.check_state_follows(dec, mistakes, a3.beam_call(step, beam_size, max_len, 0.0), lm)


def test_state_reordered_nested_tuple(a3, dec, mistakes, rng, student):
    """Beam state: every tensor of a nested tuple state is reordered the same way (dim 0)"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for size in a3.sizes(12, 10):
            lm, beam_size, max_len, _ = _case(a3, rng, size)
            step = a3.HistoryStep(lm, max_len, "nested")
            a3.check_state_follows(dec, mistakes, a3.beam_call(step, beam_size, max_len, 0.0), lm)


def test_state_none(a3, dec, mistakes, rng, student):
    """Beam state: a state of None is passed on as None"""
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for _ in range(6):
            def build(seed):
                vocab_size, beam_size = a3.low_half_sizes(rng, 8)
                max_len = rng.randint(2, 5)
                lm = a3.BigramTable(seed, vocab_size, rng.uniform(-1.0, 1.0), low_half=True)
                return lm, beam_size, max_len, a3.simulate_beam(lm, beam_size, max_len, 0.0)

            lm, beam_size, max_len, _ = a3.draw(rng, build,
                                                lambda case: any(h.tokens[-1] == a3.EOS for h in case[3].hyps)
                                                and a3.kept_in_low_half(case[3], case[0].vocab_size))
            step = a3.NoStateStep(lm, max_len)
            a3.check_state_follows(dec, mistakes, a3.beam_call(step, beam_size, max_len, 0.0, "None"), lm)
