"""Graders: ``unroll_decoder``, the decoder loop (teacher_forcing) and its teacher-forcing
decisions (scheduled_sampling), graded apart.

The ``step`` given to the student's code is a grader object, called back here every time
the student's loop calls it. It records what it was fed and the state it got, and answers
with logits whose argmax never equals a ground-truth token (ground truth is drawn from
``TRUTH_IDS``, every argmax lies in ``PREDICTED_IDS``), so every input tells whether it was
teacher-forced or the previous step's prediction, and which one. The two concepts read the
same recording differently:

* the loop (teacher_forcing): T-1 calls, the state passed on, the logits stacked, and the
  right token for each kind of step: a teacher-forced step t reads tgt[:, t], a free one
  the argmax of step t-1. Checked at ratios 1.0 and 0.0, whatever the loop decided, so a
  wrong decision costs only the decisions concept;
* the decisions (scheduled_sampling): how often steps are teacher-forced (always at 1.0,
  never at 0.0, at the rate of the ratio otherwise, checked statistically), one decision
  per step for the whole batch, drawn from the generator; whichever truth token a forced
  step reads, so a wrong index costs only the loop.

The logits also carry what the step was fed and the state it got (columns 0 and 1, far
below the argmax), so the output of a known mistake's loop, run here, says what that loop
fed its step: that is how a failed check names the mistake.
"""

from __future__ import annotations

import copy

import torch

from autograder.toolkit import Call, expect_equal, expect_rate, expect_tensor_close

VOCAB = 40
TRUTH_IDS = range(4, 16)        # ground-truth tokens are drawn from here
PREDICTED_IDS = range(16, 40)   # the step's argmax is always one of these
SOS = 2
MARK = -1000.0                  # logits[:, 0] = MARK - input id, logits[:, 1] = MARK - state tag
MAX_STEPS = 80

LOOP_RULE = ("step is called T-1 times, each time with input_ids [B], and output[:, t] is the logits of step t: "
             "torch.stack of the T-1 logits along dim 1, [B, T-1, V]")
STATE_RULE = "step t gets the state that step t-1 returned (state = step(inputs, state)[1]); step 0 the state passed in"
FORCED_RULE = ("step 0 reads tgt[:, 0] (<sos>); a teacher-forced step t reads the ground truth tgt[:, t] and predicts "
               "tgt[:, t+1] (tgt[:, T-1] is never an input)")
FREE_RULE = "a step t >= 1 that is not teacher-forced reads the previous step's prediction, step t-1's logits.argmax(-1)"
DECISION_NOTE = ("decisions, one letter per step t >= 1: T = fed the ground truth, P = fed a prediction, M = some rows "
                 "one and some the other")


def predicted(t, b):
    """The argmax of step t's logits for row b: a token no ground truth uses."""
    return PREDICTED_IDS[(7 * t + 3 * b + 5) % len(PREDICTED_IDS)]


class Step:
    """A decoder step that records its inputs; its state is a [B] tensor holding the number
    of the call it is meant for."""

    def __init__(self, batch, seed):
        generator = torch.Generator().manual_seed(seed)
        self.batch = batch
        self.table = torch.randn(MAX_STEPS, batch, VOCAB, generator=generator)
        for t in range(MAX_STEPS):
            for b in range(batch):
                self.table[t, b, predicted(t, b)] = self.table[t, b].max() + 1.0
        self.fed, self.states, self.shapes, self.returned = [], [], [], []

    def __repr__(self):
        return "step"

    def initial_state(self):
        return torch.zeros(self.batch)

    def __call__(self, input_ids, state):
        t = len(self.fed)
        ids = [-1] * self.batch
        if isinstance(input_ids, torch.Tensor) and input_ids.numel() == self.batch and not input_ids.is_floating_point():
            ids = [int(x) for x in input_ids.reshape(-1).tolist()]
        tag = -1
        if isinstance(state, torch.Tensor) and tuple(state.shape) == (self.batch,) and bool((state == state[0]).all()):
            tag = int(state[0])
        self.fed.append(ids)
        self.states.append(tag)
        self.shapes.append(list(input_ids.shape) if isinstance(input_ids, torch.Tensor) else type(input_ids).__name__)
        logits = self.table[min(t, MAX_STEPS - 1)].clone()
        logits[:, 0] = MARK - torch.tensor(ids, dtype=torch.float32)
        logits[:, 1] = MARK - tag
        self.returned.append(logits)
        return logits, torch.full((self.batch,), float(t + 1))


def recording_of(out):
    """(fed, states) read back from the logits a loop returned (a known mistake's, here)."""
    fed = [[int(round(MARK - float(x))) for x in out[:, t, 0]] for t in range(out.shape[1])]
    return fed, [int(round(MARK - float(out[0, t, 1]))) for t in range(out.shape[1])]


def decisions_of(fed):
    """One letter per step t >= 1: T (ground truth), P (a prediction) or M (mixed)."""
    letters = ""
    for row in fed[1:]:
        guessed = [x in PREDICTED_IDS for x in row]
        letters += "P" if all(guessed) else ("T" if not any(guessed) else "M")
    return letters


def setup(rng, batch, length, ratio, **kwargs):
    """A step, the call and its tgt: <sos> then ground-truth tokens."""
    step = Step(batch, rng.randrange(2**31))
    tgt = torch.tensor([[SOS] + [rng.choice(TRUTH_IDS) for _ in range(length - 1)] for _ in range(batch)])
    return Call("unroll_decoder", step, step.initial_state(), tgt, ratio, **kwargs)


def run(att, call):
    """The student's loop on a copy of the call's step (the call keeps a fresh one for the
    known mistakes); returns (the copy, with its recording, and what came back)."""
    step = copy.deepcopy(call.args[0])
    out = att.unroll_decoder(step, *call.args[1:], **call.kwargs)
    return step, out


def _fed_note(call):
    tgt = call.args[2]
    steps = tgt.size(1) - 1
    notes = [f"tgt = {tgt.tolist()}"]
    if steps > 1:
        argmax = "; ".join(f"step {t}: {[predicted(t, b) for b in range(tgt.size(0))]}" for t in range(steps - 1))
        notes.append(f"the argmax of each step's logits: {argmax}")
    return notes


def _show_fed(fed):
    return f"having fed step the input_ids {fed}"


CASES = ((1, 2, 1.0), (2, 4, 1.0), (3, 8, 1.0), (4, 12, 0.0), (3, 7, 0.0))


# ---- the loop: teacher_forcing ----------------------------------------------------------

def test_unroll_calls_and_output(att, mistakes, rng):
    """unroll_decoder: T-1 calls of step with input_ids [B], the logits stacked in order into [B, T-1, V]"""
    for batch, length, ratio in CASES:
        call = setup(rng, batch, length, ratio)
        step, out = run(att, call)
        expect_equal(len(step.fed), length - 1, call, rule=LOOP_RULE, mistakes=mistakes,
                     normalize=lambda answer: answer.shape[1],
                     show=lambda calls: f"after calling step {calls} times")
        expect_equal(step.shapes, [[batch]] * (length - 1), call, rule=LOOP_RULE,
                     show=lambda shapes: f"after calling step with input_ids of shapes {shapes}")
        expect_tensor_close(out, torch.stack(step.returned, dim=1), call, rule=LOOP_RULE, mistakes=mistakes,
                            notes=["expected: the logits step returned, stacked along dim 1"])


def test_unroll_state_passed_on(att, mistakes, rng):
    """unroll_decoder: every step gets the state the previous step returned"""
    for batch, length, ratio in CASES:
        call = setup(rng, batch, length, ratio)
        step, _ = run(att, call)
        want = list(range(length - 1))
        expect_equal(step.states[:length - 1], want, call, rule=STATE_RULE, mistakes=mistakes,
                     normalize=lambda answer: recording_of(answer)[1][:length - 1],
                     show=lambda tags: f"after giving the steps the states meant for steps {tags}",
                     notes=["step t returns the state meant for step t + 1; -1 means a state step never returned"])


def _check_inputs(att, mistakes, rng, kind):
    for batch, length, ratio in CASES:
        call = setup(rng, batch, length, ratio)
        step, _ = run(att, call)
        tgt = call.args[2]
        want = []
        for t in range(length - 1):
            truth = tgt[:, t].tolist()
            previous = [predicted(t - 1, b) for b in range(batch)]
            seen = step.fed[t] if t < len(step.fed) else None
            if seen is None:
                want.append(truth if kind == "forced" or t == 0 else previous)
            elif t == 0:
                want.append(truth if kind == "forced" else seen)
            elif kind == "forced":  # rows that read a prediction are the free test's business
                want.append([seen[b] if seen[b] in PREDICTED_IDS else truth[b] for b in range(batch)])
            else:
                want.append([previous[b] if seen[b] in PREDICTED_IDS else seen[b] for b in range(batch)])
        expect_equal(step.fed[:length - 1], want, call, rule=FORCED_RULE if kind == "forced" else FREE_RULE,
                     mistakes=mistakes, normalize=lambda answer: recording_of(answer)[0][:length - 1],
                     show=_show_fed, notes=_fed_note(call))


def test_unroll_teacher_forced_inputs(att, mistakes, rng):
    """unroll_decoder: step 0 reads tgt[:, 0] and a teacher-forced step t reads tgt[:, t]"""
    _check_inputs(att, mistakes, rng, "forced")


def test_unroll_free_running_inputs(att, mistakes, rng):
    """unroll_decoder: a step that is not teacher-forced reads the argmax of the previous step's logits"""
    _check_inputs(att, mistakes, rng, "free")


# ---- the decisions: scheduled_sampling ------------------------------------------------------

def _decisions(att, call):
    step, _ = run(att, call)
    return decisions_of(step.fed)


def _always(att, mistakes, rng, ratio, letter):
    for batch, length in ((2, 12), (3, 20)):
        call = setup(rng, batch, length, ratio)
        got = _decisions(att, call)
        expect_equal(got, letter * max(len(got), length - 2), call, mistakes=mistakes,
                     normalize=lambda answer: decisions_of(recording_of(answer)[0]),
                     show=lambda letters: f"decisions {letters or '(none)'}",
                     rule=f"teacher_forcing_ratio={ratio} {'always' if letter == 'T' else 'never'} teacher-forces: "
                          f"a uniform number in [0, 1) is always below 1.0 and never below 0.0 (teacher-force when "
                          f"it is BELOW the ratio)",
                     notes=[DECISION_NOTE])


def test_sampling_ratio_one(att, mistakes, rng):
    """Teacher-forcing decisions: teacher_forcing_ratio=1.0 teacher-forces every step"""
    _always(att, mistakes, rng, 1.0, "T")


def test_sampling_ratio_zero(att, mistakes, rng):
    """Teacher-forcing decisions: teacher_forcing_ratio=0.0 never teacher-forces"""
    _always(att, mistakes, rng, 0.0, "P")


RUNS, RATE_BATCH, RATE_LENGTH = 20, 3, 52


def forced_rate(module, ratio, runs=RUNS * 4):
    """Here: the share of steps a module's unroll_decoder teacher-forces at ``ratio``."""
    generator = torch.Generator().manual_seed(1234)
    forced = 0
    for seed in range(runs):
        step = Step(RATE_BATCH, seed)
        tgt = torch.tensor([[SOS] + [TRUTH_IDS[(seed + 5 * b + 3 * t) % 12] for t in range(RATE_LENGTH - 1)]
                            for b in range(RATE_BATCH)])
        module.unroll_decoder(step, step.initial_state(), tgt, ratio, generator=generator)
        forced += decisions_of(step.fed)[:RATE_LENGTH - 2].count("T")
    return forced / (runs * (RATE_LENGTH - 2))


def _rate(att, mistakes, rng, student, ratio):
    torch_in_child = student.module("torch")
    forced = 0
    for _ in range(RUNS):
        call = setup(rng, RATE_BATCH, RATE_LENGTH, ratio,
                     generator=torch_in_child.Generator().manual_seed(rng.randrange(2**31)))
        forced += _decisions(att, call)[:RATE_LENGTH - 2].count("T")
    n = RUNS * (RATE_LENGTH - 2)
    expect_rate(forced, n, ratio, what="decisions that teacher-forced the whole batch", mistakes=mistakes,
                function="unroll_decoder", rate_of=lambda module: forced_rate(module, ratio),
                rate_key=("forced", ratio),
                call=f"{RUNS} calls of unroll_decoder(step, state, tgt of shape ({RATE_BATCH}, {RATE_LENGTH}), "
                     f"teacher_forcing_ratio={ratio}, generator=torch.Generator().manual_seed(...))",
                rule=f"before every step t >= 1 the whole batch is teacher-forced with probability {ratio} (a "
                     f"uniform number in [0, 1) below the ratio)")


def test_sampling_ratio_half(att, mistakes, rng, student):
    """Teacher-forcing decisions: teacher_forcing_ratio=0.5 teacher-forces about half of the steps

    Statistical: a correct solution fails this check with probability below 1e-6."""
    _rate(att, mistakes, rng, student, 0.5)


def test_sampling_ratio_low(att, mistakes, rng, student):
    """Teacher-forcing decisions: teacher_forcing_ratio=0.2 teacher-forces about a fifth of the steps

    Statistical: a correct solution fails this check with probability below 1e-6."""
    _rate(att, mistakes, rng, student, 0.2)


def test_sampling_one_decision_per_step(att, mistakes, rng):
    """Teacher-forcing decisions: one decision per step for the whole batch, not one per sentence"""
    call = setup(rng, 4, 40, 0.5)
    got = _decisions(att, call).count("M")
    expect_equal(got, 0, call, mistakes=mistakes, same=lambda a, b: (a == 0) == (b == 0),
                 normalize=lambda answer: decisions_of(recording_of(answer)[0]).count("M"),
                 show=lambda mixed: f"{mixed} steps that fed the ground truth to some sentences and a prediction "
                                    f"to others",
                 rule="one random decision per step for the whole batch: every sentence of the batch reads the "
                      "ground truth, or every sentence reads its prediction")


PAIRS = 5
GENERATOR_LENGTH = 62


def repeat_rate(module, other_seed=False):
    """Here: the share of seeds for which two runs of a module's loop make the same decisions
    (with generators seeded the same, or with another seed for the second run)."""
    repeats = 0
    for seed in range(PAIRS):
        runs = []
        for offset in (0, 1 if other_seed else 0):
            step = Step(1, seed)
            tgt = torch.tensor([[SOS] + [TRUTH_IDS[(seed + t) % 12] for t in range(GENERATOR_LENGTH - 1)]])
            module.unroll_decoder(step, step.initial_state(), tgt, 0.5,
                                  generator=torch.Generator().manual_seed(1000 + seed + offset))
            runs.append(decisions_of(step.fed))
        repeats += runs[0] == runs[1]
    return repeats / PAIRS


def test_sampling_uses_the_generator(att, mistakes, rng, student):
    """Teacher-forcing decisions: drawn from `generator` (the same seed repeats them, another seed changes them)

    Statistical: a correct solution fails with probability below 1e-6 (two runs with different seeds make the
    same 60 decisions with probability 2^-60)."""
    torch_in_child = student.module("torch")
    same_seed = other_seed = 0
    for _ in range(PAIRS):
        seed = rng.randrange(2**31)
        runs = []
        for s in (seed, seed, seed + 1):
            call = setup(rng, 1, GENERATOR_LENGTH, 0.5, generator=torch_in_child.Generator().manual_seed(s))
            runs.append(_decisions(att, call))
        same_seed += runs[0] == runs[1]
        other_seed += runs[0] == runs[2]
    call = (f"two calls of unroll_decoder(step, state, tgt of shape (1, {GENERATOR_LENGTH}), teacher_forcing_ratio="
            f"0.5, generator=torch.Generator().manual_seed(s)) with the same s, for {PAIRS} seeds s")
    expect_rate(same_seed, PAIRS, 1.0, what="the same decisions in both runs", call=call, mistakes=mistakes,
                function="unroll_decoder", rate_of=repeat_rate, rate_key="repeats with one seed",
                rule="the decisions are drawn from `generator` (e.g. torch.rand((), generator=generator)): the same "
                     "seed gives the same decisions")
    expect_rate(other_seed, PAIRS, 0.0, what="the same decisions with seeds s and s + 1",
                call=call.replace("with the same s", "with seeds s and s + 1"), mistakes=mistakes,
                function="unroll_decoder", rate_of=lambda module: repeat_rate(module, other_seed=True),
                rate_key="repeats with another seed",
                rule="the decisions are random draws from `generator`: another seed gives other decisions")
