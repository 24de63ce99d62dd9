"""Graders: ``unroll_decoder``, teacher forcing (ratio 1.0 and 0.0, exactly) and scheduled
sampling (other ratios, statistically).

The ``step`` given to the student's code is a grader function, called back here every
time the student's loop calls it: it records what it was fed, checks that the state it
gets is the one its previous call returned, and answers with logits whose argmax never
equals a ground-truth token, so every input tells whether it was the ground truth or the
previous step's prediction (and which step's).

Statistical checks use acceptance intervals computed from the exact binomial
distribution so that a correct implementation fails each with probability below 5e-7 (both
together below 1e-6).
"""

from __future__ import annotations

import math

import torch

VOCAB = 40
TRUTH_IDS = range(4, 16)        # ground-truth tokens are drawn from here
PREDICTED_IDS = range(16, 40)   # the step's argmax is always one of these
FALSE_FAILURE = 5e-7        # per rate test: the two rate tests together stay below 1e-6


class RecordingStep:
    """A decoder step that remembers what it was fed.

    state is a [B, 2] float tensor: column 0 is the number of the step that will read it,
    column 1 is the row's id; each call returns the state for the next call.
    """

    def __init__(self, rng, util, batch):
        self.rng, self.util, self.batch = rng, util, batch
        self.inputs: list[list[int]] = []
        self.logits: list[torch.Tensor] = []
        self.problem = ""

    def initial_state(self):
        return torch.stack([torch.zeros(self.batch), torch.arange(self.batch, dtype=torch.float32)], dim=1)

    def predicted(self, t, b):
        """The argmax of step t's logits for row b: a token no ground truth uses."""
        return PREDICTED_IDS[(7 * t + 3 * b + 5) % len(PREDICTED_IDS)]

    def __call__(self, input_ids, state):
        t = len(self.inputs)
        if not isinstance(input_ids, torch.Tensor) or tuple(input_ids.shape) != (self.batch,):
            raise AssertionError(
                f"call {t} of step received input_ids {self.util.kind(input_ids)}; expected a tensor of shape "
                f"[B] = ({self.batch},): one token id per sentence (tgt[:, t], not tgt[:, t:t+1])")
        if not isinstance(state, torch.Tensor) or tuple(state.shape) != (self.batch, 2):
            raise AssertionError(
                f"call {t} of step received state {self.util.kind(state)}; expected the state returned by "
                f"the previous call (or the initial state for call 0), passed on unchanged")
        got_t = state[:, 0].tolist()
        if any(round(x) != t for x in got_t):
            raise AssertionError(
                f"call {t} of step received the state meant for call {round(got_t[0])}: pass the state "
                f"returned by each step to the next step (state = step(inputs, state)[1])")
        if state[:, 1].tolist() != list(range(self.batch)):
            raise AssertionError(f"call {t} of step received the rows of the state in another order")
        self.inputs.append([int(x) for x in input_ids.tolist()])
        logits = self.util.randn(self.rng, self.batch, VOCAB)
        for b in range(self.batch):
            logits[b, self.predicted(t, b)] = logits[b].max() + 1.0 + self.rng.random()
        self.logits.append(logits)
        next_state = state.clone()
        next_state[:, 0] += 1
        return logits, next_state

    def decisions(self, tgt):
        """For every step t >= 1: True = fed the ground truth, False = fed the previous argmax.

        Raises (with a message) when an input is neither, or mixes both across the batch.
        """
        result = []
        for t in range(1, len(self.inputs)):
            fed = self.inputs[t]
            truth = tgt[:, t].tolist()
            previous = [self.predicted(t - 1, b) for b in range(self.batch)]
            rows_truth = [b for b in range(self.batch) if fed[b] == truth[b]]
            rows_pred = [b for b in range(self.batch) if fed[b] == previous[b]]
            if len(rows_truth) == self.batch:
                result.append(True)
            elif len(rows_pred) == self.batch:
                result.append(False)
            elif len(rows_truth) + len(rows_pred) == self.batch:
                raise AssertionError(
                    f"step {t} fed the ground truth to rows {rows_truth} and the previous prediction to rows "
                    f"{rows_pred}: the decision is ONE coin flip per step for the whole batch, not one per "
                    f"sentence (inputs {fed}, ground truth tgt[:, {t}] = {truth}, previous argmax {previous})")
            else:
                odd = next(b for b in range(self.batch) if b not in rows_truth and b not in rows_pred)
                raise AssertionError(
                    f"step {t} was fed {fed}; row {odd} is neither the ground truth tgt[:, {t}] = {truth} nor "
                    f"the previous step's argmax {previous}" + _where_from(fed, tgt, t, self, odd))
        return result


def _where_from(fed, tgt, t, step, row):
    """Say which column of tgt, or which step's argmax, the wrong input came from."""
    columns = [c for c in range(tgt.size(1)) if int(tgt[row, c]) == fed[row]]
    if columns:
        return (f" (it equals tgt[:, {columns[0]}]: step t must read tgt[:, t], so step 0 reads <sos> = "
                f"tgt[:, 0] and step 1 reads tgt[:, 1])")
    steps = [s for s in range(len(step.inputs)) if step.predicted(s, row) == fed[row]]
    if steps:
        return f" (it is the argmax of step {steps[0]}'s logits, not of step {t - 1}'s)"
    return ""


def run(att, util, rng, batch, length, ratio, generator=None):
    """Call the student's unroll_decoder with a recording step; check the calls and the output."""
    step = RecordingStep(rng, util, batch)
    tgt = torch.tensor([[SOS] + [rng.choice(TRUTH_IDS) for _ in range(length - 1)] for _ in range(batch)])
    call = f"unroll_decoder(step, state, tgt of shape ({batch}, {length}), teacher_forcing_ratio={ratio})"
    kwargs = {} if generator is None else {"generator": generator}
    out = att.unroll_decoder(step, step.initial_state(), tgt, ratio, **kwargs)
    calls = len(step.inputs)
    assert calls == length - 1, (
        f"{call} called step {calls} times; expected T-1 = {length - 1} calls (one per token to predict: "
        f"the last target token is never an input)")
    assert step.inputs[0] == tgt[:, 0].tolist(), (
        f"{call}: step 0 was fed {step.inputs[0]}; expected tgt[:, 0] = {tgt[:, 0].tolist()} (<sos>)")
    out = util.tensor(out, call, shape=(batch, length - 1, VOCAB))
    want = torch.stack(step.logits, dim=1)
    for t in range(length - 1):
        assert torch.equal(out[:, t], want[:, t]), (
            f"{call} returned output[:, {t}] = {util.show(out[:, t][0])}... that is not the logits of step "
            f"{t} ({util.show(want[:, t][0])}...): stack the logits of the T-1 steps in order along dim 1")
    return step, tgt, call


SOS = 2


# ---- ratio 1.0 and 0.0: deterministic -----------------------------------------------------

def test_unroll_calls_state_and_output(att, util, rng):
    """unroll_decoder: T-1 calls, the state passed on, the logits stacked to [B, T-1, V]"""
    for batch, length in ((1, 2), (3, 5), (2, 9)):
        run(att, util, rng, batch, length, 1.0)


def test_unroll_ratio_one_feeds_ground_truth(att, util, rng):
    """unroll_decoder: teacher_forcing_ratio=1.0 feeds tgt[:, t] to step t, always"""
    for batch, length in ((2, 4), (3, 8), (4, 12)):
        step, tgt, call = run(att, util, rng, batch, length, 1.0)
        decisions = step.decisions(tgt)
        if not all(decisions):
            t = decisions.index(False) + 1
            raise AssertionError(
                f"{call}: step {t} was fed the previous step's prediction {step.inputs[t]}; with ratio 1.0 every "
                f"step t >= 1 reads the ground truth tgt[:, {t}] = {tgt[:, t].tolist()} (is the random number "
                f"compared the right way round? teacher-force when it is BELOW the ratio)")


def test_unroll_ratio_zero_feeds_predictions(att, util, rng):
    """unroll_decoder: teacher_forcing_ratio=0.0 feeds the previous step's argmax, always"""
    for batch, length in ((2, 4), (3, 8), (4, 12)):
        step, tgt, call = run(att, util, rng, batch, length, 0.0)
        decisions = step.decisions(tgt)
        if any(decisions):
            t = decisions.index(True) + 1
            raise AssertionError(
                f"{call}: step {t} was fed the ground truth {step.inputs[t]}; with ratio 0.0 every step t >= 1 "
                f"reads the previous step's prediction logits.argmax(-1) = "
                f"{[step.predicted(t - 1, b) for b in range(batch)]} (free running, as at test time)")


# ---- other ratios: statistically ---------------------------------------------------------

def acceptance_interval(n: int, p: float, false_failure: float = FALSE_FAILURE) -> tuple[int, int]:
    """[lo, hi] with P(X < lo) + P(X > hi) < false_failure for X ~ Binomial(n, p)."""
    log_pmf = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
               + k * math.log(p) + (n - k) * math.log(1 - p) for k in range(n + 1)]
    pmf = [math.exp(v) for v in log_pmf]
    lo, tail = 0, 0.0
    while tail + pmf[lo] < false_failure / 2:
        tail += pmf[lo]
        lo += 1
    hi, tail = n, 0.0
    while tail + pmf[hi] < false_failure / 2:
        tail += pmf[hi]
        hi -= 1
    return lo, hi


def sample_decisions(att, util, rng, ratio, generator=None, runs=20, batch=3, length=52):
    decisions = []
    for _ in range(runs):
        step, tgt, _ = run(att, util, rng, batch, length, ratio, generator=generator)
        decisions += step.decisions(tgt)
    return decisions


def check_rate(att, util, rng, ratio):
    decisions = sample_decisions(att, util, rng, ratio)
    n, forced = len(decisions), sum(decisions)
    lo, hi = acceptance_interval(n, ratio)
    assert lo <= forced <= hi, (
        f"unroll_decoder with teacher_forcing_ratio={ratio}: over {n} decisions (20 calls with tgt of shape "
        f"(3, 52)), {forced} fed the ground truth ({forced / n:.3f}); with probability {ratio} per step the "
        f"count lies in [{lo}, {hi}] in all but one of two million runs. Feed the ground truth when a uniform "
        f"random number in [0, 1) is BELOW the ratio, one draw per step for the whole batch")


def test_sampling_ratio_half(att, util, rng):
    """Scheduled sampling: teacher_forcing_ratio=0.5 feeds the ground truth at about half of the steps"""
    check_rate(att, util, rng, 0.5)


def test_sampling_ratio_low(att, util, rng):
    """Scheduled sampling: teacher_forcing_ratio=0.2 feeds the ground truth at about a fifth of the steps"""
    check_rate(att, util, rng, 0.2)


def test_sampling_uses_the_generator(att, util, rng, student):
    """Scheduled sampling: the same generator seed gives the same decisions, another seed others"""
    torch_in_child = student.module("torch")
    seed = rng.randrange(2**31)
    runs = []
    for s in (seed, seed, seed + 1):
        generator = torch_in_child.Generator().manual_seed(s)
        runs.append(sample_decisions(att, util, rng, 0.5, generator=generator, runs=1, length=62))
    assert runs[0] == runs[1], (
        "unroll_decoder(..., teacher_forcing_ratio=0.5, generator=torch.Generator().manual_seed(s)) made "
        "different decisions in two runs with the same seed: draw the random numbers from `generator` "
        "(e.g. torch.rand((), generator=generator)), not from Python's random module or the global torch RNG. "
        f"Decisions (1 = ground truth): {''.join('1' if d else '0' for d in runs[0])} and "
        f"{''.join('1' if d else '0' for d in runs[1])}")
    assert runs[0] != runs[2], (
        "unroll_decoder with ratio 0.5 made exactly the same 60 decisions with generators seeded differently: "
        "the decisions must be random, drawn from `generator`")
