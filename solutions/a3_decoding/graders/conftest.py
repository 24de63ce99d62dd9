"""Fixtures, oracles, step functions and case generators of the A3 (decoding) graders.

How the graders drive a student's decoder
-----------------------------------------
``dec.beam_search(step, state, ...)`` runs in the sandboxed student process; ``step`` is an
object of this file. Every time student code calls it, the call crosses back into this
(trusted) process with its arguments as data, and the step's answer ``(log_probs [K, V],
state)`` is sent back. So a step here RECORDS every call (the last tokens fed, what the
state says the hypotheses have read) and the checks look at that record afterwards. A step
raises only when it cannot answer (a malformed argument, a state with the wrong number of
rows); it keeps its message in ``step.error``, and the check reports that message even when
student code swallowed the exception.

The language models behind the steps (a model maps a generated prefix, a tuple of token ids
without ``<sos>``, to the V float32 log-probabilities of the next token):

* ``PositionTable``: one random row per (position, last token). Its step learns the
  position from a counter in the state and needs nothing else, so the checks that use it
  do not depend on how the state is reordered. The log-probability of ``<eos>`` can be
  scheduled by position: "impossible before step d, near-certain at step d" makes every
  kept hypothesis finish at the same step, so the finishing rules cannot change which
  candidates a search keeps (the candidate checks use this).
* ``PrefixTable``: an independent random row for every prefix. Its step reads the prefix
  from a history carried in the state, so a decoder that does not reorder its state looks
  up another hypothesis's row (greedy decoding and state handling).
* ``BigramTable``: a row per last token, for ``state=None``.
* The A2 reference model (``test_a3_with_model.py``).

Every table comes from the secret-seeded ``rng`` fixture (each row from its own seed, so a
row does not depend on which rows were asked for first). Rows are log_softmax of Gaussian
logits over all V tokens, <sos> made practically impossible (a model does not generate it,
so an output that holds it stands out); a ``low_half`` table makes the upper half of the
vocabulary practically impossible too (see below). A case whose deciding comparisons are
closer than GAP is redrawn (student code may add float32 log-probabilities in float32).

Expected answers
----------------
* Greedy: the walk along argmaxes (``simulate_greedy``).
* Brute force (``enumerate_complete``: every sequence that ends with ``<eos>`` or reaches
  max_len, with its exact logprob): what a beam too wide to prune must keep; the table
  itself gives the log-probability of any sequence a student returns (``sequence_logprob``).
* A narrow beam is not exhaustive search, so its expected live hypotheses come from
  ``simulate_beam``: the contract's rules over tuples and floats, level by level, written
  independently of the reference solution.

One mistake, one charge
-----------------------
The student-facing contract has two functions, and a student's beam search is often one
function with no helpers, so a concept is graded on its own by the design of its checks,
not by replacing helpers:

* candidates on tables where everything finishes at max_len (the finishing rules cannot
  matter) and whose rows by position need no state (reordering cannot matter);
* finishing, length normalisation and the state on invariants of the student's OWN search
  (a hypothesis of n tokens ending with <eos> finished at step n; every score from its own
  logprob and length; every returned prefix read by the model with its own state);
* and those three on ``low_half`` tables, where every candidate a search keeps has a token
  of the lower half of the vocabulary (``in_low_half``): a parent computed from the flat
  index by rounding instead of flooring is then still right, so a search that gets the
  parent arithmetic wrong is charged in the candidate tests only.

A search that cannot run at all (a parent index that is a float, so every call crashes)
still fails everywhere; where the student's module defines the reference's helpers with
the same parameters (some mutants do), the checks of other concepts run with the
reference's version of the helper they build on (``correct_helpers``, via
``toolkit.trusted``: a callback into this process).

Diagnoses
---------
The known mistakes (``solutions/a3_decoding/mutants``) are run here on the same call with
a fresh copy of the same step (``RecordingStep.__deepcopy__``): a mistake whose run looks
the same as the student's (the same step calls, the same hypotheses, the same error) is
named, with its hint (``known_mistake``). The ``mono_*`` mutants are whole beam searches
written in one function without helpers, as many students write them (the style of
``variants/batched.py``), each with one mistake: ``validate`` holds them to one concept
each, like the others.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import math
import random
import struct
import sys
import types
from typing import Any, Callable

import pytest
import torch

from autograder.remote import StudentCrash, StudentError, StudentTimeout
from autograder.toolkit import Call, CheckFailed, describe, fail, integer, number, sequence, sizes, trusted


MODULE = "decoding"
SOS, EOS = 2, 3
GAP = 1e-3
ABS_TOL, REL_TOL = 1e-5, 1e-6
NO_EOS = -30.0      # logit offset that makes <eos> practically impossible
SURE_EOS = 12.0     # logit offset that makes <eos> near-certain
MAX_TABLE_CHARS = 1600


@pytest.fixture(autouse=True, scope="session")
def _reference_importable():
    """The known mistakes are built by ``exec`` into a module object that is not in
    ``sys.modules``; ``@dataclass`` (under ``from __future__ import annotations``) looks its
    class's module up there and fails on ``Hypothesis``. A placeholder of that name, for
    the grading session only, lets the reference and the mutants load here."""
    placeholder = types.ModuleType(MODULE)
    added = sys.modules.setdefault(MODULE, placeholder) is placeholder
    yield
    if added and sys.modules.get(MODULE) is placeholder:
        del sys.modules[MODULE]


@pytest.fixture
def dec(student):
    return student.module(MODULE)


@pytest.fixture
def a3():
    """This module, as a namespace (graders are imported with ``--import-mode=importlib``,
    so they cannot ``import conftest``)."""
    return sys.modules[__name__]


# ---------------------------------------------------------------------------------------
# Language models (trusted side)
# ---------------------------------------------------------------------------------------

def f32(value: float) -> float:
    """The float32 number nearest to value, as a Python float (what the student receives)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def log_softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    total = math.log(sum(math.exp(x - top) for x in logits))
    return [f32(x - top - total) for x in logits]


def random_row(seed: str, vocab_size: int, eos_bias: float, spread: float = 1.5,
               low_half: bool = False) -> list[float]:
    rnd = random.Random(seed)
    logits = [rnd.gauss(0.0, spread) for _ in range(vocab_size)]
    logits[EOS] += eos_bias
    logits[SOS] += NO_EOS  # a model does not generate <sos>: an output that holds it stands out
    if low_half:  # see in_low_half
        logits = [x + NO_EOS if not in_low_half(t, vocab_size) else x for t, x in enumerate(logits)]
    return log_softmax(logits)


def in_low_half(token: int, vocab_size: int) -> bool:
    """Token y of the lower half of the vocabulary (2y < V): a candidate (parent p, token y)
    has flat index j = p * V + y with j / V = p + y / V < p + 1/2, so j // V, int(j / V) and
    round(j / V) all give p. The tables of the finishing, length-normalisation and state
    tests make the upper half practically impossible (``low_half``) and keep only cases
    whose every kept candidate is in the lower half (``kept_in_low_half``): a search that
    gets the parent arithmetic wrong is charged in the candidate tests only."""
    return 2 * token < vocab_size


LOW_HALF_MIN_VOCAB = 2 * EOS + 1  # <eos> itself must be in the lower half


def row_with(vocab_size: int, fixed: dict[int, float]) -> list[float]:
    """A row with the given log-probabilities; the remaining mass is shared equally."""
    rest = 1.0 - sum(math.exp(v) for v in fixed.values())
    others = [t for t in range(vocab_size) if t not in fixed]
    share = math.log(rest / len(others))
    return [f32(fixed.get(t, share)) for t in range(vocab_size)]


def finishing_at(depth: int) -> Callable[[int], float]:
    """An <eos> schedule: impossible before step ``depth``, near-certain at step ``depth``."""
    return lambda position: NO_EOS if position < depth - 1 else SURE_EOS


class LanguageModel:
    vocab_size: int

    def logprobs(self, prefix: tuple[int, ...]) -> list[float]:
        raise NotImplementedError

    def sequence_logprob(self, tokens: tuple[int, ...]) -> float:
        return sum(self.logprobs(tuple(tokens[:i]))[t] for i, t in enumerate(tokens))

    def describe_rows(self, prefixes) -> list[tuple[str, list[float]]]:
        raise NotImplementedError


class PositionTable(LanguageModel):
    """log p(next | position, last token); position = number of tokens generated so far.
    ``eos_bias`` is a number or a function of the position."""

    def __init__(self, seed: str, vocab_size: int, eos_bias: float | Callable[[int], float] = 0.0,
                 rows: dict | None = None, low_half: bool = False):
        self.seed, self.vocab_size, self.low_half = seed, vocab_size, low_half
        self.eos_bias = eos_bias if callable(eos_bias) else (lambda position, bias=eos_bias: bias)
        self.fixed = dict(rows or {})
        self._rows: dict[tuple[int, int], list[float]] = {}

    def row(self, position: int, last: int) -> list[float]:
        key = (position, last)
        if key not in self._rows:
            self._rows[key] = self.fixed.get(key) or random_row(f"{self.seed}/{position}/{last}", self.vocab_size,
                                                                self.eos_bias(position), low_half=self.low_half)
        return self._rows[key]

    def logprobs(self, prefix):
        return self.row(len(prefix), prefix[-1] if prefix else SOS)

    def describe_rows(self, prefixes):
        keys = list(dict.fromkeys((len(p), p[-1] if p else SOS) for p in prefixes))
        return [(f"step {p + 1}, last token {'<sos>' if p == 0 else last}", self.row(p, last)) for p, last in keys]


class PrefixTable(LanguageModel):
    """log p(next | the whole generated prefix): a fresh random row for every prefix."""

    def __init__(self, seed: str, vocab_size: int, eos_bias: float = 0.0, low_half: bool = False):
        self.seed, self.vocab_size, self.eos_bias, self.low_half = seed, vocab_size, eos_bias, low_half
        self._rows: dict[tuple[int, ...], list[float]] = {}

    def logprobs(self, prefix):
        prefix = tuple(prefix)
        if prefix not in self._rows:
            self._rows[prefix] = random_row(f"{self.seed}/{list(prefix)}", self.vocab_size, self.eos_bias,
                                            low_half=self.low_half)
        return self._rows[prefix]

    def describe_rows(self, prefixes):
        return [(f"after <sos> {' '.join(map(str, p))}".rstrip(), self.logprobs(p)) for p in dict.fromkeys(prefixes)]


class BigramTable(LanguageModel):
    """log p(next | last token) only: a model that needs no state at all."""

    def __init__(self, seed: str, vocab_size: int, eos_bias: float = 0.0, low_half: bool = False):
        self.seed, self.vocab_size, self.eos_bias, self.low_half = seed, vocab_size, eos_bias, low_half
        self._rows: dict[int, list[float]] = {}

    def logprobs(self, prefix):
        last = prefix[-1] if prefix else SOS
        if last not in self._rows:
            self._rows[last] = random_row(f"{self.seed}/{last}", self.vocab_size, self.eos_bias,
                                          low_half=self.low_half)
        return self._rows[last]

    def describe_rows(self, prefixes):
        lasts = dict.fromkeys(p[-1] if p else SOS for p in prefixes)
        return [(f"last token {'<sos>' if t == SOS else t}", self.logprobs((t,) if t != SOS else ())) for t in lasts]


# ---------------------------------------------------------------------------------------
# Expected answers: the contract simulated, and brute force
# ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Hyp:
    tokens: tuple[int, ...]
    logprob: float
    score: float


def score_of(logprob: float, length: int, alpha: float) -> float:
    return logprob / length ** alpha


@dataclasses.dataclass
class BeamRun:
    hyps: list[Hyp]                       # best score first
    live_per_call: list[list[tuple]]      # the live prefixes extended by each step call
    finished_before_call: list[int]       # how many were finished when each call was made
    clear: bool                           # every deciding comparison separated by GAP


def simulate_beam(lm: LanguageModel, beam_size: int, max_len: int, alpha: float) -> BeamRun:
    """The contract's beam search, level by level, over tuples and floats."""
    live: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    finished: list[tuple[tuple[int, ...], float]] = []
    calls, finished_counts, clear = [], [], True
    depth = 0
    while len(finished) < beam_size and depth < max_len and live:
        calls.append([prefix for prefix, _ in live])
        finished_counts.append(len(finished))
        extensions = [(logprob + value, prefix + (token,))
                      for prefix, logprob in live
                      for token, value in enumerate(lm.logprobs(prefix))]
        extensions.sort(key=lambda e: e[0], reverse=True)
        room = beam_size - len(finished)
        if room < len(extensions) and extensions[room - 1][0] - extensions[room][0] < GAP:
            clear = False
        live = []
        for logprob, sequence_ in extensions[:room]:
            (finished if sequence_[-1] == EOS else live).append((sequence_, logprob))
        depth += 1
    everything = [Hyp(t, lp, score_of(lp, len(t), alpha)) for t, lp in finished + live]
    everything.sort(key=lambda h: h.score, reverse=True)
    if any(a.score - b.score < GAP for a, b in zip(everything, everything[1:])):
        clear = False
    return BeamRun(everything, calls, finished_counts, clear)


def kept_in_low_half(run_: BeamRun, vocab_size: int) -> bool:
    """Every candidate the contract's search keeps (live or finished) has a token of the
    lower half of the vocabulary (``in_low_half``)."""
    kept = [p for call in run_.live_per_call for p in call] + [h.tokens for h in run_.hyps]
    return all(in_low_half(t, vocab_size) for tokens in kept for t in tokens)


def low_half_sizes(rng: random.Random, size: int) -> tuple[int, int]:
    """A vocabulary size for a ``low_half`` table (9 to 12 tokens, growing with ``size``) and a
    beam size its lower half can fill at the first step (2 up to its words + <eos> - 1)."""
    vocab_size = rng.randint(LOW_HALF_MIN_VOCAB + 2, LOW_HALF_MIN_VOCAB + 2 + min(3, size // 4))
    plausible = sum(1 for t in range(vocab_size) if in_low_half(t, vocab_size) and t != SOS)
    return vocab_size, rng.randint(2, plausible - 1)


def simulate_greedy(lm: LanguageModel, max_len: int) -> tuple[list[int], bool]:
    tokens: list[int] = []
    clear = True
    while len(tokens) < max_len:
        row = lm.logprobs(tuple(tokens))
        ranked = sorted(range(len(row)), key=lambda t: row[t], reverse=True)
        if row[ranked[0]] - row[ranked[1]] < GAP:
            clear = False
        tokens.append(ranked[0])
        if ranked[0] == EOS:
            break
    return tokens, clear


def enumerate_complete(lm: LanguageModel, max_len: int) -> list[tuple[tuple[int, ...], float]]:
    """Brute force: every sequence ending with <eos> or of length max_len, with its logprob."""
    done = []

    def grow(prefix, logprob):
        for token, value in enumerate(lm.logprobs(prefix)):
            sequence_ = prefix + (token,)
            if token == EOS or len(sequence_) == max_len:
                done.append((sequence_, logprob + value))
            else:
                grow(sequence_, logprob + value)

    grow((), 0.0)
    return done


def draw(rng: random.Random, build: Callable[[str], Any], accept: Callable[[Any], bool], tries: int = 400) -> Any:
    """A case from build(seed) for which accept(case) holds (rejection sampling)."""
    for _ in range(tries):
        case = build(f"{rng.getrandbits(64):x}")
        if accept(case):
            return case
    raise RuntimeError("grader problem: no acceptable random case was found")


# ---------------------------------------------------------------------------------------
# Step functions handed to student code (they run here, called back from the student)
# ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class StepCall:
    last: list[int]                       # the last tokens fed, one per hypothesis
    position: int | None = None           # PositionStep: read from the state
    prefixes: list[tuple] | None = None   # what each row has read: the generated prefix after `last`
    histories: list[tuple] | None = None  # HistoryStep: what the state said had been read before
    also: list[tuple] | None = None       # other prefixes some row's state equally stands for (the A2 model)


class StepError(AssertionError):
    pass


class RecordingStep:
    """Base: checks and records ``last_tokens``; subclasses read the state and answer.

    A deep copy is a fresh step on the same model (no calls recorded): the known mistakes
    are run on the same call with a copy of it."""

    def __init__(self, lm: LanguageModel, max_len: int):
        self.lm = lm
        self.vocab_size = lm.vocab_size
        self.max_len = max_len
        self.max_calls = max_len + 2  # a little room, so that an overrun can be explained
        self.calls: list[StepCall] = []
        self.error: str | None = None

    def __repr__(self) -> str:
        return "step"

    def __deepcopy__(self, memo) -> "RecordingStep":
        fresh = copy.copy(self)
        fresh.calls, fresh.error = [], None
        return fresh

    def fail(self, message: str):
        if self.error is None:
            self.error = message
        raise StepError(message)

    def read_tokens(self, last_tokens) -> list[int]:
        number_ = len(self.calls) + 1
        if len(self.calls) >= self.max_calls:
            self.fail(f"step was called {number_} times with max_len = {self.max_len}: every call generates one "
                      f"token, so the search must stop after at most max_len calls")
        if not isinstance(last_tokens, torch.Tensor):
            self.fail(f"call {number_} passed last_tokens = {describe(last_tokens)}; step expects a 1-D torch.long "
                      f"tensor holding the last token of each hypothesis, e.g. torch.tensor([2])")
        if last_tokens.dim() != 1 or last_tokens.numel() == 0:
            self.fail(f"call {number_} passed last_tokens of shape {list(last_tokens.shape)}; step expects a 1-D "
                      f"tensor [K] with one token per live hypothesis (K = 1 at the first step: shape [1], not [] "
                      f"or [1, 1])")
        if last_tokens.dtype.is_floating_point or last_tokens.dtype == torch.bool or last_tokens.is_complex():
            self.fail(f"call {number_} passed last_tokens with dtype {last_tokens.dtype}; token ids are integers "
                      f"(torch.long): an embedding cannot look up {last_tokens.tolist()}")
        tokens = [int(t) for t in last_tokens.tolist()]
        bad = [t for t in tokens if not 0 <= t < self.vocab_size]
        if bad:
            self.fail(f"call {number_} passed last_tokens {tokens}; {bad[0]} is not a token id (the vocabulary has "
                      f"ids 0..{self.vocab_size - 1})")
        return tokens

    @staticmethod
    def rows_tensor(rows: list[list[float]]) -> torch.Tensor:
        return torch.tensor(rows, dtype=torch.float32)


class PositionStep(RecordingStep):
    """State = a long tensor [K, 1] holding the number of tokens generated so far."""

    def initial_state(self):
        return torch.zeros(1, 1, dtype=torch.long)

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number_ = len(self.calls) + 1
        if not isinstance(state, torch.Tensor) or state.numel() == 0:
            self.fail(f"call {number_} passed state = {describe(state)}; pass the state returned by the previous "
                      f"call of step (here a tensor; at the first call, the state given to your function)")
        values = set(int(v) for v in state.reshape(-1).tolist())
        if len(values) != 1:
            self.fail(f"call {number_} passed a state whose rows disagree ({sorted(values)}): every row should come "
                      f"from the state returned by the previous call")
        position = values.pop()
        self.calls.append(StepCall(tokens, position=position))
        rows = [self.lm.row(position, t) for t in tokens]
        return self.rows_tensor(rows), torch.full((len(tokens), 1), position + 1, dtype=torch.long)


class HistoryStep(RecordingStep):
    """State = the tokens each hypothesis has read so far, as a [K, W] long tensor padded with
    -1, alone ("tensor") or inside a nested tuple ("nested"):
    ``(count [K] long, (history [K, W] long, checksum [K, 2, 2] float64))`` where count is the
    number of tokens read and checksum is computed from the history."""

    def __init__(self, lm, max_len, layout="tensor"):
        super().__init__(lm, max_len)
        self.layout = layout
        self.width = self.max_calls + 1

    def pack(self, histories: list[list[int]]):
        history = torch.full((len(histories), self.width), -1, dtype=torch.long)
        for i, row in enumerate(histories):
            history[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        if self.layout == "tensor":
            return history
        checksum = torch.tensor([self.checksum(row) for row in histories], dtype=torch.float64)
        counts = torch.tensor([len(row) for row in histories], dtype=torch.long)
        return counts, (history, checksum)

    @staticmethod
    def checksum(row):
        weighted = sum((i + 1) * (t + 1) for i, t in enumerate(row))
        return [[float(len(row)), float(sum(row))], [float(weighted), float(weighted % 97)]]

    def initial_state(self):
        return self.pack([[]])

    def unpack(self, state, tokens, number_) -> list[list[int]]:
        k = len(tokens)
        if self.layout == "nested":
            if not (isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], tuple)
                    and len(state[1]) == 2):
                self.fail(f"call {number_} passed state = {describe(state)}; the state is a nested tuple "
                          f"(count [K], (history [K, W], checksum [K, 2, 2])) and must keep that structure: "
                          f"reorder every tensor inside it and rebuild the same tuples")
            counts, (history, checksum) = state
            where = "state[1][0]"
            parts = [("state[0]", counts), ("state[1][0]", history), ("state[1][1]", checksum)]
        else:
            history, where = state, "state"
            parts = [("state", history)]
        for name, tensor in parts:
            if not isinstance(tensor, torch.Tensor):
                self.fail(f"call {number_} passed {name} = {describe(tensor)}; pass on the state returned by the "
                          f"previous call (its tensors reordered along dim 0)")
            if tensor.dim() == 0 or tensor.size(0) != k:
                self.fail(f"call {number_} passed {k} last tokens {tokens} but {name} has shape "
                          f"{list(tensor.shape)}: row i of every state tensor belongs to hypothesis i, so dim 0 "
                          f"must have K = {k} rows")
        if history.dim() != 2 or history.size(1) != self.width or history.dtype != torch.long:
            self.fail(f"call {number_} passed {where} with shape {list(history.shape)} and dtype {history.dtype}; it "
                      f"should be a [K, {self.width}] long tensor (only its dim 0 may change): rows of the state are "
                      f"selected along dim 0, never along another dimension")
        rows = []
        for i, values in enumerate(history.tolist()):
            length = next((j for j, v in enumerate(values) if v == -1), len(values))
            row = values[:length]
            if any(v != -1 for v in values[length:]) or any(v < 0 for v in row):
                self.fail(f"call {number_}: row {i} of {where} is {values}, which no call of step returned: a state "
                          f"is passed on (reordered along dim 0), not modified")
            rows.append(row)
        if self.layout == "nested":
            if checksum.tolist() != [self.checksum(row) for row in rows] or counts.tolist() != [len(r) for r in rows]:
                self.fail(f"call {number_}: the tensors of the state tuple do not describe the same hypotheses row "
                          f"by row (some of its tensors were reordered and others not, or differently)")
        return rows

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number_ = len(self.calls) + 1
        histories = self.unpack(state, tokens, number_)
        prefixes, new_histories, rows = [], [], []
        for history, token in zip(histories, tokens):
            read = history + [token]  # everything this hypothesis has read, <sos> first
            if len(read) > self.width:
                self.fail(f"call {number_}: a hypothesis has been extended more than max_len times")
            prefix = tuple(read[1:])  # the generated tokens (the first token read is <sos>)
            prefixes.append(prefix)
            new_histories.append(read)
            rows.append(self.lm.logprobs(prefix))
        self.calls.append(StepCall(tokens, prefixes=prefixes, histories=[tuple(h) for h in histories]))
        return self.rows_tensor(rows), self.pack(new_histories)


class NoStateStep(RecordingStep):
    """For state=None: a bigram model; the state must come back as None every time."""

    def initial_state(self):
        return None

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number_ = len(self.calls) + 1
        if state is not None:
            self.fail(f"call {number_} passed state = {describe(state)}; the decoder was given state=None and step "
                      f"returns None, so None is passed on as it is (reordering None gives None)")
        self.calls.append(StepCall(tokens))
        rows = [self.lm.logprobs((t,)) for t in tokens]  # a bigram row depends on the last token only
        return self.rows_tensor(rows), None


# ---------------------------------------------------------------------------------------
# Calls, runs and failures
# ---------------------------------------------------------------------------------------

class DecoderCall(Call):
    """A decoder call, shown as the student would write it: ``beam_search(step, state, ...)``."""

    def __init__(self, function: str, step: RecordingStep, state: Any = None, state_text: str = "state",
                 **kwargs: Any):
        super().__init__(function, step, state, sos_id=SOS, eos_id=EOS, **kwargs)
        self.state_text = state_text

    @property
    def step(self) -> RecordingStep:
        return self.args[0]

    def __str__(self) -> str:
        parts = ["step", self.state_text] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"

    __repr__ = __str__


def beam_call(step: RecordingStep, beam_size: int, max_len: int, alpha: float | None,
              state_text: str = "state") -> DecoderCall:
    extra = {} if alpha is None else {"alpha": alpha}
    return DecoderCall("beam_search", step, step.initial_state(), state_text, beam_size=beam_size, max_len=max_len,
                       **extra)


def greedy_call(step: RecordingStep, max_len: int, state_text: str = "state") -> DecoderCall:
    return DecoderCall("greedy_decode", step, step.initial_state(), state_text, max_len=max_len)


@dataclasses.dataclass(frozen=True)
class Raised:
    """What a run raised, comparable between the student's run and a known mistake's."""

    type_name: str
    text: str


def _student_raised(exc: StudentError) -> Raised:
    marker = f" raised {exc.type_name}: "
    text = exc.message.split(marker, 1)[1] if marker in exc.message else ""
    return Raised(exc.type_name, text)


def run(call: DecoderCall, dec: Any, mistakes: Any) -> Any:
    """The student's answer to ``call``; a failure (with the known mistake that fails the same
    way) when the step refused a call or the student's code raised."""
    step = call.step
    return_value = None
    try:
        return_value = call.run(dec)
    except (StudentCrash, StudentTimeout):
        raise
    except StepError:
        pass
    except StudentError as exc:
        if step.error is None:
            observed = _student_raised(exc)
            raise failure(RUNS_RULE, call, f"raised {exc.type_name}" + (f": {observed.text}" if observed.text else ""),
                          "a result", diagnosis=known_mistake(mistakes, call, crash_view, observed), did=True,
                          notes=[exc.feedback()] if exc.student_traceback else ()) from None
    if step.error is not None:
        raise failure(STEP_RULE, call, f"called step in a way step refuses: {step.error}",
                      "calls of step as the contract describes them", did=True,
                      diagnosis=known_mistake(mistakes, call, crash_view, ("step", step.error)))
    return return_value


RUNS_RULE = "the decoder runs to the end on a valid step function and returns its result"
STEP_RULE = ("step(last_tokens, state) gets last_tokens, a 1-D torch.long tensor [K] with the last token of each "
             "live hypothesis, and the state returned by the previous call, with row i of every tensor belonging "
             "to hypothesis i (None stays None)")


def crash_view(step: RecordingStep, outcome: Any) -> Any:
    """How a run failed: the step's refusal, or the exception raised."""
    if step.error is not None:
        return ("step", step.error)
    return outcome if isinstance(outcome, Raised) else None


def rerun(mistakes: Any, module: Any, call: DecoderCall) -> tuple[RecordingStep, Any]:
    """A known mistake's (or the reference's) run of ``call``, here, with a fresh copy of the
    step and the same helpers replaced by the reference's as in the student's run."""
    args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
    namespace = module.__dict__
    reference = mistakes.reference(MODULE)
    replaced = {name: namespace[name] for name in call.trusted if name in namespace}
    try:
        for name in replaced:
            namespace[name] = getattr(reference, name)
        outcome = namespace[call.function](*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - what the mistake raises is part of its behaviour
        outcome = Raised(type(exc).__name__, str(exc))
    finally:
        namespace.update(replaced)
    return args[0], outcome


def known_mistake(mistakes: Any, call: DecoderCall, view: Callable[[RecordingStep, Any], Any], observed: Any):
    """The known mistake whose run of ``call`` has the same ``view`` as the student's run."""
    if mistakes is None or not mistakes.available:
        return None

    def behaves_like(module: Any) -> bool:
        step, outcome = rerun(mistakes, module, call)
        return view(step, outcome) == observed

    return mistakes.recognise(call.function, behaves_like)


def failure(rule: str, call: Call | str, observed: str, expected: str = "", *, diagnosis: Any = None,
            did: bool = False, notes: list[str] | tuple[str, ...] = ()) -> CheckFailed:
    """``toolkit.fail`` with the diagnosis a check found by running the known mistakes.

    ``observed`` is what the call returned; with ``did=True`` it is what the call did
    (a verb phrase: "made call 2 of step extending ..."), shown as "Observed <call> <did>"."""
    if did:
        exc = fail(rule, "", f"{call} {observed}", expected, notes=list(notes))
        trusted_ = list(call.trusted) if isinstance(call, Call) else []
        return CheckFailed(dataclasses.replace(exc.evidence, diagnosis=diagnosis, trusted=trusted_))
    exc = fail(rule, call, observed, expected, notes=list(notes))
    if diagnosis is None:
        return exc
    return CheckFailed(dataclasses.replace(exc.evidence, diagnosis=diagnosis))


# ---------------------------------------------------------------------------------------
# Trusted helpers
# ---------------------------------------------------------------------------------------

def correct_helpers(student: Any, dec: Any, mistakes: Any, *names: str):
    """``toolkit.trusted`` for the reference helpers among ``names`` that the student's
    module defines with the reference's parameters (a helper of the same name that means
    something else is left alone; a module without helpers is graded as it is)."""
    if not mistakes.available:
        return trusted(dec, mistakes)
    reference = mistakes.reference(MODULE)
    inspect_ = student.module("inspect")
    kept = []
    for name in names:
        try:
            theirs = list(inspect_.getfullargspec(getattr(dec, name))[0])
        except StudentError:
            continue
        if theirs == inspect.getfullargspec(getattr(reference, name)).args:
            kept.append(name)
    return trusted(dec, mistakes, *kept)


# ---------------------------------------------------------------------------------------
# Reading what came back
# ---------------------------------------------------------------------------------------

HYPOTHESES = "a list of Hypothesis objects (tokens: list[int], logprob: float, score: float)"


def token_list(value: Any, call: Call | str, what: str = "a list of token ids (ints)") -> tuple[int, ...]:
    if isinstance(value, torch.Tensor) and value.dim() == 1 and not value.is_floating_point():
        value = value.tolist()
    items = sequence(value, call, what=what)
    return tuple(integer(item, f"token {i} of what {call} returned") for i, item in enumerate(items))


def hypotheses(value: Any, call: Call | str) -> list[Hyp]:
    """The student's hypotheses as ``Hyp`` tuples, or a failure saying what came back."""
    items = sequence(value, call, what=HYPOTHESES)
    result = []
    for i, item in enumerate(items):
        try:
            tokens, logprob, score = item.tokens, item.logprob, item.score
        except AttributeError:
            raise fail(f"the function returns {HYPOTHESES}", call, describe(value),
                       f"{HYPOTHESES} (item {i} is not one)") from None
        result.append(Hyp(token_list(tokens, f"item {i}'s tokens"), number(logprob, f"item {i}'s logprob"),
                          number(score, f"item {i}'s score")))
    return result


def quiet_hypotheses(outcome: Any) -> list[Hyp] | None:
    """``hypotheses`` for a known mistake's run: None where it is not readable."""
    try:
        return hypotheses(outcome, "")
    except AssertionError:
        return None


def tokens_of(hyps: list[Hyp]) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(h.tokens for h in hyps))


def close(got: float, want: float) -> bool:
    return abs(got - want) <= ABS_TOL + REL_TOL * abs(want)


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

def listing(hyps: list[Hyp], with_score: bool = False, limit: int = 10) -> str:
    def one(h: Hyp) -> str:
        text = f"{list(h.tokens)} (logprob {h.logprob:.4f}"
        return text + (f", score {h.score:.4f})" if with_score else ")")

    shown = [one(h) for h in hyps[:limit]]
    if len(hyps) > limit:
        shown.append(f"... ({len(hyps) - limit} more)")
    return "[" + ", ".join(shown) + "]" if shown else "[] (nothing)"


def table_text(lm: LanguageModel, prefixes) -> str:
    """The rows of the step function's table a student needs to redo the case by hand."""
    head = (f"The step function's log-probabilities (V = {lm.vocab_size}, token ids 0..{lm.vocab_size - 1}, "
            f"<sos> = {SOS}, <eos> = {EOS}; entry y of a row is log p(next token = y)):")
    lines, used = [head], len(head)
    rows = lm.describe_rows(list(prefixes))
    for label, row in rows:
        line = f"  {label}: [{', '.join(f'{v:.3f}' for v in row)}]"
        if used + len(line) > MAX_TABLE_CHARS:
            lines.append(f"  ... ({len(rows) - len(lines) + 1} more rows)")
            break
        lines.append(line)
        used += len(line)
    return "\n".join(lines)


def beam_table(lm: LanguageModel, run_: BeamRun | None, extra=()) -> str:
    prefixes = [p for call in (run_.live_per_call if run_ else []) for p in call] + list(extra)
    return table_text(lm, prefixes)


def prefixes_of(hyps: list[Hyp]) -> list[tuple[int, ...]]:
    return [h.tokens[:i] for h in hyps for i in range(len(h.tokens))][:40]


# ---------------------------------------------------------------------------------------
# The state follows the hypotheses (state tests, here and on the A2 model)
# ---------------------------------------------------------------------------------------

REORDER_RULE = ("after the new live hypotheses are chosen, the state is reordered so that row i is the row of the "
                "i-th live hypothesis's PARENT (index_select(0, parents) on every tensor of the state, through "
                "nested tuples): every hypothesis is continued by the model from its own state")


def _state_view(step: RecordingStep, outcome: Any) -> Any:
    crash = crash_view(step, outcome)
    if crash is not None:
        return crash
    hyps = quiet_hypotheses(outcome)
    reads = tuple(tuple(c.prefixes) if c.prefixes is not None else tuple(c.last) for c in step.calls)
    return reads, None if hyps is None else tokens_of(hyps)


def check_state_follows(dec: Any, mistakes: Any, call: DecoderCall, lm: LanguageModel, notes=()) -> list[Hyp]:
    """Run ``call``; every returned hypothesis must have been read by the model prefix by
    prefix with its own state (the step records what each row had read)."""
    step = call.step
    value = run(call, dec, mistakes)
    got = hypotheses(value, call)
    seen = _state_view(step, value)

    def wrong(observed: str, expected: str) -> CheckFailed:
        return failure(REORDER_RULE, call, observed, expected,
                       diagnosis=known_mistake(mistakes, call, _state_view, seen),
                       notes=[*notes, f"You returned: {listing(got)}", table_text(lm, prefixes_of(got))])

    if not step.calls:
        raise failure(REORDER_RULE, call, "never called step", "calls of step, each row with its hypothesis's state",
                      did=True)
    if not got:
        raise wrong("no hypothesis", "the hypotheses the search built, each read by the model with its own state")
    if step.calls and step.calls[0].prefixes is None:
        return got  # a step without memory (state None): the step itself checks that None is passed on
    reads = [set(record.prefixes) | set(record.also or ()) for record in step.calls]
    for h in got:
        for k in range(1, len(h.tokens)):
            prefix = h.tokens[:k]
            if k < len(reads) and prefix in reads[k]:
                continue
            record = step.calls[k] if k < len(step.calls) else None
            rows = [] if record is None else [p[:-1] for p, last in zip(record.prefixes, record.last)
                                              if last == prefix[-1]]
            if rows:
                seen_text = " or ".join("a state that no call of step returned" if row[:1] == (-1,)
                                        else f"the state of <sos> {' '.join(map(str, row))}".rstrip() for row in rows)
                raise wrong(f"{list(h.tokens)}, whose token {prefix[-1]} was fed at call {k + 1} of step with "
                            f"{seen_text}",
                            f"the token {prefix[-1]} fed with the state of its parent, <sos> "
                            f"{' '.join(map(str, prefix[:-1]))}".rstrip())
            raise wrong(f"{list(h.tokens)}, although no call of step extended its first {k} tokens {list(prefix)}",
                        f"call {k + 1} of step feeding {prefix[-1]} with the state of <sos> "
                        f"{' '.join(map(str, prefix[:-1]))}".rstrip())
    return got
