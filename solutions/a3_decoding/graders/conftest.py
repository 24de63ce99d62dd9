"""Fixtures and helpers shared by the A3 (decoding) graders.

How the graders drive a student's decoder
-----------------------------------------
``dec.beam_search(step, state, ...)`` runs in the sandboxed student process; ``step`` is an
object of this file. Every time student code calls it, the call crosses back into this
(trusted) process with its arguments as data, and the step's return value
``(log_probs [K, V], state)`` is sent back. So a step here RECORDS every call (K, the last
tokens fed, the position or history read from the state) and the tests assert on that
protocol afterwards. A step raises only when it cannot answer (a malformed argument, a
state with the wrong number of rows); it keeps the message in ``step.error`` and the
runner reports that message even if student code swallowed the exception.

The language models behind the steps
------------------------------------
A language model here maps a generated prefix (a tuple of token ids, without ``<sos>``)
to the V log-probabilities of the next token (float32 values, handled as Python floats):

* ``PositionTable``: one random row per (position, last token). Its step function learns
  the position from a counter tensor in the state and needs nothing else, so the tests
  that use it (candidates, finishing, length normalisation, beam = greedy) do not depend
  on how the student reorders the state.
* ``PrefixTable``: an independent random row for every prefix. Its step reads the prefix
  from a history tensor carried in the state, so a decoder that does not reorder its state
  looks up another hypothesis's row and goes wrong; it is used for state handling and
  greedy decoding.
* ``BigramTable``: a row per last token, for ``state=None``.
* ``ModelLM``: the A2 reference model (trained here, see test_a3_model.py).

Every table is generated from the secret-seeded ``rng`` fixture (each row from its own
seed derived from a case seed, so a row does not depend on which rows the student asked
for first). Rows are log_softmax of Gaussian logits over all V tokens.

Where the expected answers come from, and what brute force can give
--------------------------------------------------------------------
* Greedy: the walk along argmaxes (``simulate_greedy``); it is also the only complete
  sequence whose every token is the argmax of its row.
* Brute force (``enumerate_complete``: every sequence that ends with ``<eos>`` or reaches
  max_len, with its exact logprob) gives: the logprob and score of ANY token sequence a
  student returns; the exhaustive optimum; and the result of a beam so wide that it never
  prunes (beam_size >= V ** max_len), which must be every complete sequence, sorted by
  score (test_search_wide_beam_is_exhaustive).
* Brute force cannot give the result of a narrow beam: beam search is not exhaustive
  search. Which hypotheses survive depends on the order in which the search meets them
  (a prefix pruned at step 2 may have led to the best sequence; a hypothesis that finished
  early keeps its place). So the expected output of a narrow beam comes from
  ``simulate_beam``: the contract's rules transcribed over Python tuples and floats, level
  by level (all extensions of the live prefixes, sorted, the best beam_size - finished
  kept), written independently of the reference solution. It also yields the expected
  live prefixes at every step, which the recorded step calls are compared with.

What each concept compares with
-------------------------------
* candidates, whole searches, the A2 model: the simulated contract, in every detail (the
  K and the last tokens of every step call, the hypotheses, logprobs, scores, order);
* finishing and state handling: invariants of the student's OWN search, so that a mistake
  in choosing candidates does not also cost these points (a hypothesis of n tokens ending
  with <eos> finished at step n, hence how many hypotheses every later call must extend
  and when the search must stop; every returned hypothesis must have been read by the
  model prefix by prefix, and its logprob must be that of its tokens);
* length normalisation: every score from the student's own logprob and length, the order
  of the list, and a fixture whose three finished hypotheses rank differently for alpha =
  0, 1 and 0.75.

Ties and rounding
-----------------
Student code may add float32 log-probabilities in float32, so every comparison that
decides an expected answer (greedy's argmax, the cut between kept and dropped candidates,
the order of the returned hypotheses) must be separated by at least GAP; a case that is
not is redrawn. Values are compared with an absolute tolerance of 1e-5 (plus 1e-6
relative), enough for float32 sums of a few log-probabilities.

File names
----------
The test files are called ``test_a3_*.py``: pytest's importlib mode keys a test module by
its file name relative to the graders folder, so a ``test_validation.py`` here would be
the same module as another assignment's ``test_validation.py`` when both are graded in
one process.

Feedback
--------
Assertion rewriting is off: every check builds a message with the concept, the call, a
description of the step function's table (small cases come first, so the first failure
is usually a small one), what came back and what was expected.
"""

from __future__ import annotations

import dataclasses
import math
import random
import struct
from collections import Counter
from typing import Any, Callable

import pytest
import torch

from autograder.remote import StudentError

SOS, EOS = 2, 3
GAP = 1e-3
ABS_TOL, REL_TOL = 1e-5, 1e-6
MAX_TABLE_CHARS = 1800


@pytest.fixture
def dec(student):
    return student.module("decoding")


@pytest.fixture
def util():
    return Util


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


def random_row(seed: str, vocab_size: int, eos_bias: float, spread: float = 1.5) -> list[float]:
    rnd = random.Random(seed)
    logits = [rnd.gauss(0.0, spread) for _ in range(vocab_size)]
    logits[EOS] += eos_bias
    return log_softmax(logits)


def row_with(vocab_size: int, fixed: dict[int, float]) -> list[float]:
    """A row with the given log-probabilities; the remaining mass is shared equally."""
    rest = 1.0 - sum(math.exp(v) for v in fixed.values())
    others = [t for t in range(vocab_size) if t not in fixed]
    share = math.log(rest / len(others))
    return [f32(fixed.get(t, share)) for t in range(vocab_size)]


class LanguageModel:
    vocab_size: int
    kind = "table"

    def logprobs(self, prefix: tuple[int, ...]) -> list[float]:
        raise NotImplementedError

    def sequence_logprob(self, tokens: tuple[int, ...]) -> float:
        return sum(self.logprobs(tokens[:i])[t] for i, t in enumerate(tokens))


class PositionTable(LanguageModel):
    """log p(next | position, last token); position = number of tokens generated so far."""

    kind = "position"

    def __init__(self, seed: str, vocab_size: int, eos_bias: float = 0.0, rows: dict | None = None):
        self.seed, self.vocab_size, self.eos_bias = seed, vocab_size, eos_bias
        self.fixed = dict(rows or {})
        self._rows: dict[tuple[int, int], list[float]] = {}

    def row(self, position: int, last: int) -> list[float]:
        key = (position, last)
        if key not in self._rows:
            self._rows[key] = self.fixed.get(key) or random_row(f"{self.seed}/{position}/{last}", self.vocab_size, self.eos_bias)
        return self._rows[key]

    def logprobs(self, prefix):
        return self.row(len(prefix), prefix[-1] if prefix else SOS)

    def describe_rows(self, prefixes):
        keys = []
        for prefix in prefixes:
            key = (len(prefix), prefix[-1] if prefix else SOS)
            if key not in keys:
                keys.append(key)
        return [(f"step {p + 1}, last token {'<sos>' if p == 0 else last}", self.row(p, last)) for p, last in keys]


class PrefixTable(LanguageModel):
    """log p(next | the whole generated prefix): a fresh random row for every prefix."""

    kind = "prefix"

    def __init__(self, seed: str, vocab_size: int, eos_bias: float = 0.0):
        self.seed, self.vocab_size, self.eos_bias = seed, vocab_size, eos_bias
        self._rows: dict[tuple[int, ...], list[float]] = {}

    def logprobs(self, prefix):
        prefix = tuple(prefix)
        if prefix not in self._rows:
            self._rows[prefix] = random_row(f"{self.seed}/{list(prefix)}", self.vocab_size, self.eos_bias)
        return self._rows[prefix]

    def describe_rows(self, prefixes):
        return [(f"after <sos> {' '.join(map(str, p))}".rstrip(), self.logprobs(p)) for p in dict.fromkeys(prefixes)]


class BigramTable(LanguageModel):
    """log p(next | last token) only: a model that needs no state at all."""

    kind = "bigram"

    def __init__(self, seed: str, vocab_size: int, eos_bias: float = 0.0):
        self.seed, self.vocab_size, self.eos_bias = seed, vocab_size, eos_bias
        self._rows: dict[int, list[float]] = {}

    def logprobs(self, prefix):
        last = prefix[-1] if prefix else SOS
        if last not in self._rows:
            self._rows[last] = random_row(f"{self.seed}/{last}", self.vocab_size, self.eos_bias)
        return self._rows[last]

    def describe_rows(self, prefixes):
        lasts = dict.fromkeys(p[-1] if p else SOS for p in prefixes)
        return [(f"last token {'<sos>' if t == SOS else t}", self.logprobs((t,) if t != SOS else ())) for t in lasts]


# ---------------------------------------------------------------------------------------
# Expected answers: simulation of the contract, and brute force
# ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Hyp:
    tokens: tuple[int, ...]
    logprob: float
    score: float

    def show(self, with_score=True):
        text = f"{list(self.tokens)} (logprob {self.logprob:.4f}"
        return text + (f", score {self.score:.4f})" if with_score else ")")


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
        for logprob, sequence in extensions[:room]:
            (finished if sequence[-1] == EOS else live).append((sequence, logprob))
        depth += 1
    everything = [Hyp(t, lp, score_of(lp, len(t), alpha)) for t, lp in finished + live]
    everything.sort(key=lambda h: h.score, reverse=True)
    if any(a.score - b.score < GAP for a, b in zip(everything, everything[1:])):
        clear = False
    return BeamRun(everything, calls, finished_counts, clear)


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
    """Every sequence ending with <eos> or of length max_len, with its logprob."""
    done = []

    def grow(prefix, logprob):
        for token, value in enumerate(lm.logprobs(prefix)):
            sequence = prefix + (token,)
            if token == EOS or len(sequence) == max_len:
                done.append((sequence, logprob + value))
            else:
                grow(sequence, logprob + value)

    grow((), 0.0)
    return done


# ---------------------------------------------------------------------------------------
# Step functions handed to student code (they run here, called back from the student)
# ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class Call:
    last: list[int]                 # the last tokens fed, one per hypothesis
    position: int | None = None     # PositionStep: read from the state
    prefixes: list[tuple] | None = None  # HistoryStep: generated prefix of every row (after `last`)
    histories: list[tuple] | None = None  # HistoryStep: what the state said had been read before


class StepError(AssertionError):
    pass


class RecordingStep:
    """Base: checks and records ``last_tokens``; subclasses read the state and answer."""

    def __init__(self, lm: LanguageModel, max_len: int):
        self.lm = lm
        self.vocab_size = lm.vocab_size
        self.max_len = max_len
        self.max_calls = max_len + 2  # a little room, so that the tests can explain an overrun
        self.calls: list[Call] = []
        self.error: str | None = None

    def fail(self, message: str):
        if self.error is None:
            self.error = message
        raise StepError(message)

    def read_tokens(self, last_tokens) -> list[int]:
        number = len(self.calls) + 1
        if len(self.calls) >= self.max_calls:
            self.fail(f"step was called {number} times with max_len = {self.max_len}: every call generates one "
                      f"token, so the search must stop after at most max_len calls")
        if not isinstance(last_tokens, torch.Tensor):
            self.fail(f"call {number} passed last_tokens = {Util.shown(last_tokens)}; step expects a 1-D "
                      f"torch.long tensor holding the last token of each hypothesis, e.g. torch.tensor([2])")
        if last_tokens.dim() != 1 or last_tokens.numel() == 0:
            self.fail(f"call {number} passed last_tokens of shape {tuple(last_tokens.shape)}; step expects a 1-D "
                      f"tensor [K] with one token per live hypothesis (K = 1 at the first step: shape [1], not [] "
                      f"or [1, 1])")
        if last_tokens.dtype.is_floating_point or last_tokens.dtype == torch.bool or last_tokens.is_complex():
            self.fail(f"call {number} passed last_tokens with dtype {last_tokens.dtype}; token ids are integers "
                      f"(torch.long): an embedding cannot look up {last_tokens.tolist()}")
        tokens = [int(t) for t in last_tokens.tolist()]
        bad = [t for t in tokens if not 0 <= t < self.vocab_size]
        if bad:
            self.fail(f"call {number} passed last_tokens {tokens}; {bad[0]} is not a token id (the vocabulary "
                      f"has ids 0..{self.vocab_size - 1})")
        return tokens

    def rows_tensor(self, rows: list[list[float]]) -> torch.Tensor:
        return torch.tensor(rows, dtype=torch.float32)


class PositionStep(RecordingStep):
    """State = a long tensor [K, 1] holding the number of tokens generated so far."""

    def initial_state(self):
        return torch.zeros(1, 1, dtype=torch.long)

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number = len(self.calls) + 1
        if not isinstance(state, torch.Tensor) or state.numel() == 0:
            self.fail(f"call {number} passed state = {Util.shown(state)}; pass the state returned by the previous "
                      f"call of step (here a tensor; at the first call, the state given to your function)")
        values = set(int(v) for v in state.reshape(-1).tolist())
        if len(values) != 1:
            self.fail(f"call {number} passed a state whose rows disagree ({sorted(values)}): every row should come "
                      f"from the state returned by the previous call")
        position = values.pop()
        self.calls.append(Call(tokens, position=position))
        rows = [self.lm.row(position, t) for t in tokens]
        return self.rows_tensor(rows), torch.full((len(tokens), 1), position + 1, dtype=torch.long)


class HistoryStep(RecordingStep):
    """State = the tokens each hypothesis has read so far, as a [K, W] long tensor padded with
    -1, alone ("tensor") or inside a nested tuple ("nested"):
    ``(count [K] long, (history [K, W] long, checksum [K, 2, 2] float64))`` where count is the
    number of tokens read (the same in every row) and checksum is computed from the history."""

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

    def unpack(self, state, tokens, number) -> list[list[int]]:
        k = len(tokens)
        if self.layout == "nested":
            if not (isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], tuple) and len(state[1]) == 2):
                self.fail(f"call {number} passed state = {Util.shown(state)}; the state is a nested tuple "
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
                self.fail(f"call {number} passed {name} = {Util.shown(tensor)}; pass on the state returned by the "
                          f"previous call (its tensors reordered along dim 0)")
            if tensor.dim() == 0 or tensor.size(0) != k:
                shape = tuple(tensor.shape)
                self.fail(
                    f"call {number} passed {k} last tokens {tokens} but {name} has shape {shape}: row i of every "
                    f"state tensor must belong to hypothesis i, so dim 0 must have K = {k} rows. After choosing "
                    f"the new live hypotheses, build the state with index_select(0, parents) (parents = the row "
                    f"of each new hypothesis's parent), for every tensor of the state, also inside nested "
                    f"tuples; the first step's K = 1 state must be expanded this way too, and finished "
                    f"hypotheses' rows dropped")
        if history.dim() != 2 or history.size(1) != self.width or history.dtype != torch.long:
            self.fail(f"call {number} passed {where} with shape {tuple(history.shape)} and dtype {history.dtype}; "
                      f"it should be a [K, {self.width}] long tensor (only its dim 0 may change): select rows of "
                      f"the state along dim 0, never along another dimension")
        rows = []
        for i, values in enumerate(history.tolist()):
            length = next((j for j, v in enumerate(values) if v == -1), len(values))
            row = values[:length]
            if any(v != -1 for v in values[length:]) or any(v < 0 for v in row):
                self.fail(f"call {number}: row {i} of {where} is {values}, which no call of step returned: a state "
                          f"must be passed on (reordered along dim 0), not modified")
            rows.append(row)
        if self.layout == "nested":
            if checksum.tolist() != [self.checksum(row) for row in rows] or counts.tolist() != [len(r) for r in rows]:
                self.fail(
                    f"call {number}: the tensors of the state tuple do not describe the same hypotheses row by "
                    f"row (state[1][0] and state[1][1] were reordered differently, or only some were reordered). "
                    f"Apply the same index_select(0, parents) to EVERY tensor of the state, recursively through "
                    f"nested tuples")
        return rows

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number = len(self.calls) + 1
        histories = self.unpack(state, tokens, number)
        prefixes, new_histories, rows = [], [], []
        for history, token in zip(histories, tokens):
            read = history + [token]  # everything this hypothesis has read, <sos> first
            if len(read) > self.width:
                self.fail(f"call {number}: a hypothesis has been extended more than max_len times")
            prefix = tuple(read[1:])  # the generated tokens (the first token read is <sos>)
            prefixes.append(prefix)
            new_histories.append(read)
            rows.append(self.lm.logprobs(prefix))
        self.calls.append(Call(tokens, prefixes=prefixes, histories=[tuple(h) for h in histories]))
        return self.rows_tensor(rows), self.pack(new_histories)


class NoStateStep(RecordingStep):
    """For state=None: a bigram model; the state must come back as None every time."""

    def initial_state(self):
        return None

    def __call__(self, last_tokens, state):
        tokens = self.read_tokens(last_tokens)
        number = len(self.calls) + 1
        if state is not None:
            self.fail(f"call {number} passed state = {Util.shown(state)}; the decoder was given state=None and "
                      f"step returns None, so None must be passed on as it is (reordering None gives None)")
        self.calls.append(Call(tokens))
        rows = [self.lm.logprobs((t,)) for t in tokens]  # a bigram row depends on the last token only
        return self.rows_tensor(rows), None


# ---------------------------------------------------------------------------------------
# Helpers: calling the student, reading results, comparing, describing
# ---------------------------------------------------------------------------------------

class Util:
    SOS, EOS, GAP = SOS, EOS, GAP
    PositionTable, PrefixTable, BigramTable = PositionTable, PrefixTable, BigramTable
    PositionStep, HistoryStep, NoStateStep = PositionStep, HistoryStep, NoStateStep
    RecordingStep, Call = RecordingStep, Call
    Hyp = Hyp
    simulate_beam = staticmethod(simulate_beam)
    simulate_greedy = staticmethod(simulate_greedy)
    enumerate_complete = staticmethod(enumerate_complete)
    score_of = staticmethod(score_of)
    row_with = staticmethod(row_with)

    # ---- text --------------------------------------------------------------------------
    @staticmethod
    def shown(value, limit=200):
        if isinstance(value, torch.Tensor):
            text = f"tensor of shape {tuple(value.shape)}, dtype {value.dtype}"
            if value.numel() <= 12:
                text += f": {value.tolist()}"
            return text
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + "..."

    @staticmethod
    def beam_call(beam_size, max_len, alpha, state="state"):
        text = f"beam_search(step, {state}, sos_id={SOS}, eos_id={EOS}, beam_size={beam_size}, max_len={max_len}"
        return text + (f", alpha={alpha})" if alpha is not None else ")")

    @staticmethod
    def greedy_call(max_len, state="state"):
        return f"greedy_decode(step, {state}, sos_id={SOS}, eos_id={EOS}, max_len={max_len})"

    @staticmethod
    def table_text(lm, prefixes):
        """The rows of the step function's table a student needs to redo the example by hand."""
        head = (f"The step function's log-probabilities (V = {lm.vocab_size}, token ids 0..{lm.vocab_size - 1}, "
                f"<sos> = {SOS}, <eos> = {EOS}; entry y of a row is log p(next token = y); in these tables every "
                f"id, {SOS} included, can be generated like any other token):")
        lines, used = [head], len(head)
        rows = lm.describe_rows(prefixes)
        for label, row in rows:
            line = f"  {label}: [{', '.join(f'{v:.3f}' for v in row)}]"
            if used + len(line) > MAX_TABLE_CHARS:
                lines.append(f"  ... ({len(rows) - len(lines) + 1} more rows)")
                break
            lines.append(line)
            used += len(line)
        return "\n".join(lines)

    @staticmethod
    def beam_table(lm, run: BeamRun, extra=()):
        prefixes = [p for call in run.live_per_call for p in call] + list(extra)
        return Util.table_text(lm, prefixes)

    # ---- running the student's code -------------------------------------------------------
    @staticmethod
    def run(function, step, *args, context="", **kwargs):
        """Call the student's function; a failed step check is reported as the failure."""
        try:
            value = function(step, *args, **kwargs)
        except (StudentError, StepError) as exc:
            if step.error is not None:
                raise AssertionError(f"{context}: {step.error}") from None
            raise
        if step.error is not None:
            raise AssertionError(f"{context}: {step.error} (your code caught the exception and went on)")
        return value

    # ---- reading what came back ---------------------------------------------------------------
    @staticmethod
    def number(value, what):
        if isinstance(value, torch.Tensor) and value.numel() == 1 and value.is_floating_point():
            value = value.item()
        elif type(value).__module__.split(".")[0] == "numpy" and getattr(value, "shape", None) in ((), (1,)):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AssertionError(f"{what} is {Util.shown(value)}; expected a float")
        value = float(value)
        if math.isnan(value):
            raise AssertionError(f"{what} is nan; expected a float")
        return value

    @staticmethod
    def tokens(value, what):
        if isinstance(value, torch.Tensor):
            if value.dim() != 1 or value.is_floating_point():
                raise AssertionError(f"{what} is a {Util.shown(value)}; expected a list of ints")
            return tuple(int(t) for t in value.tolist())
        if not isinstance(value, (list, tuple)):
            raise AssertionError(f"{what} is {Util.shown(value)}; expected a list of ints (the generated tokens)")
        result = []
        for item in value:
            if isinstance(item, torch.Tensor) and item.numel() == 1 and not item.is_floating_point():
                item = int(item.item())
            elif type(item).__module__.split(".")[0] == "numpy" and float(item) == int(item):
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int):
                raise AssertionError(f"{what} is {Util.shown(value)}; every token must be an int")
            result.append(item)
        return tuple(result)

    @staticmethod
    def hypotheses(value, call) -> list[Hyp]:
        if not isinstance(value, (list, tuple)):
            raise AssertionError(f"{call} returned {Util.shown(value)}; expected a list of Hypothesis objects "
                                 f"(did the function fall through without a return?)")
        result = []
        for i, item in enumerate(value):
            try:
                tokens, logprob, score = item.tokens, item.logprob, item.score
            except AttributeError:
                raise AssertionError(f"{call} returned {Util.shown(value)}; item {i} is not a Hypothesis (it needs "
                                     f"the fields tokens, logprob and score)") from None
            result.append(Hyp(Util.tokens(tokens, f"item {i}'s tokens"),
                              Util.number(logprob, f"item {i}'s logprob"),
                              Util.number(score, f"item {i}'s score")))
        return result

    @staticmethod
    def greedy_result(value, call) -> tuple[int, ...]:
        return Util.tokens(value, f"the result of {call}")

    @staticmethod
    def close(got, want):
        return abs(got - want) <= ABS_TOL + REL_TOL * abs(want)

    @staticmethod
    def listing(hyps, with_score=False, limit=12):
        shown = [h.show(with_score) for h in hyps[:limit]]
        if len(hyps) > limit:
            shown.append(f"... ({len(hyps) - limit} more)")
        return "[" + ", ".join(shown) + "]" if shown else "[] (nothing)"

    # ---- comparisons ------------------------------------------------------------------------
    @staticmethod
    def compare_sets(got: list[Hyp], want: list[Hyp], lm, context: str, hint: str):
        """Same hypotheses (tokens and logprob), in any order."""
        counts = Counter(h.tokens for h in got)
        twice = [list(t) for t, c in counts.items() if c > 1]
        if twice:
            raise AssertionError(
                f"{context} returned the hypothesis {twice[0]} more than once. The search starts from ONE "
                f"hypothesis (<sos>), not beam_size copies of it, and each candidate (parent, token) is kept "
                f"at most once.\nYou returned: {Util.listing(got)}\nExpected: {Util.listing(want)}")
        got_tokens = {h.tokens for h in got}
        want_tokens = {h.tokens for h in want}
        if got_tokens != want_tokens:
            missing = [h for h in want if h.tokens not in got_tokens]
            extra = [h for h in got if h.tokens not in want_tokens]
            notes = [hint]
            if got and all(h.tokens[:1] == (SOS,) for h in got) and {h.tokens[1:] for h in got} == want_tokens:
                notes = ["Hypothesis.tokens must hold the generated tokens only, without the <sos> start token"]
            after_eos = [h for h in got if EOS in h.tokens[:-1]]
            if after_eos:
                notes.append(f"{list(after_eos[0].tokens)} goes on after <eos>: a hypothesis that produces "
                             f"<eos> is finished and must leave the beam (it is never extended)")
            raise AssertionError(
                f"{context} returned the wrong hypotheses. {' '.join(notes)}\n"
                f"You returned: {Util.listing(got)}\nExpected:     {Util.listing(want)}\n"
                f"Missing: {Util.listing(missing)}\nNot expected: {Util.listing(extra)}")
        wanted = {h.tokens: h for h in want}
        for h in got:
            truth = wanted[h.tokens].logprob
            if not Util.close(h.logprob, truth):
                raise AssertionError(
                    f"{context}: the hypothesis {list(h.tokens)} has logprob {h.logprob:.6f}, but its tokens have "
                    f"log-probability {truth:.6f} under the step function (the sum of log p of each token given "
                    f"the tokens before it). Add each kept token's log-probability to its own parent's logprob.")

    @staticmethod
    def check_scores_and_order(got: list[Hyp], alpha: float, context: str):
        """score = logprob / len(tokens) ** alpha for every hypothesis; best score first."""
        effective = 1.0 if alpha is None else alpha
        for h in got:
            if not h.tokens:
                raise AssertionError(f"{context} returned a hypothesis with no tokens: {h.show()}")
            want = score_of(h.logprob, len(h.tokens), effective)
            if not Util.close(h.score, want):
                length = len(h.tokens)
                notes = []
                if Util.close(h.score, h.logprob) and abs(want - h.logprob) > 1e-4:
                    notes.append("It equals the logprob: the length normalisation is missing.")
                elif length > 1 and Util.close(h.score, score_of(h.logprob, length - 1, effective)):
                    notes.append(f"It is logprob / {length - 1} ** alpha: the length must count every generated "
                                 f"token, <eos> included.")
                elif Util.close(h.score, h.logprob / length * effective) or Util.close(h.score, h.logprob * effective / length):
                    notes.append("It is logprob / len * alpha: alpha is an exponent of the length.")
                alpha_text = "" if alpha is not None else " (alpha defaults to 1.0)"
                raise AssertionError(
                    f"{context}: the hypothesis {list(h.tokens)} with logprob {h.logprob:.6f} has score "
                    f"{h.score:.6f}; expected logprob / len(tokens) ** alpha = {h.logprob:.6f} / {length} ** "
                    f"{effective} = {want:.6f}{alpha_text}. {' '.join(notes)}".rstrip())
        for i, (a, b) in enumerate(zip(got, got[1:])):
            if a.score < b.score - ABS_TOL:
                raise AssertionError(
                    f"{context} returned hypotheses out of order: item {i} has score {a.score:.6f} and item "
                    f"{i + 1} has {b.score:.6f}. Return them sorted by score, BEST (highest, closest to 0) first."
                    f"\nYou returned: {Util.listing(got, True)}")

    @staticmethod
    def check_beam_calls(step, run: BeamRun, context: str, beam_size: int, max_len: int):
        """The recorded step calls against the expected live hypotheses, call by call."""
        calls = step.calls
        for number, (call, expected) in enumerate(zip(calls, run.live_per_call), start=1):
            finished = run.finished_before_call[number - 1]
            want_last = sorted(p[-1] if p else SOS for p in expected)
            if number == 1 and (len(call.last) != 1 or call.last[0] != SOS):
                raise AssertionError(
                    f"{context}: the first call of step passed last_tokens {call.last}; expected [{SOS}]: the search "
                    f"starts from ONE hypothesis whose last token is <sos> (K = 1). Starting from beam_size copies "
                    f"of <sos> would fill the beam with copies of the same extensions.")
            if len(call.last) != len(expected):
                if len(call.last) > len(expected) and finished:
                    why = (f"{finished} hypotheses had finished (produced <eos>) by then, and a finished "
                           f"hypothesis leaves the beam: only beam_size - len(finished) = {beam_size} - {finished} = "
                           f"{len(expected)} stay live")
                else:
                    why = ("the live hypotheses are the best beam_size - len(finished) candidates of the previous "
                           "step that did not end with <eos>")
                raise AssertionError(
                    f"{context}: call {number} of step extended {len(call.last)} hypotheses (last tokens "
                    f"{call.last}); expected {len(expected)} (last tokens {want_last}): {why}.")
            if call.position is not None and call.position != number - 1:
                raise AssertionError(
                    f"{context}: call {number} of step received a state saying {call.position} tokens had been "
                    f"generated; expected {number - 1}. Feed each call the state returned by the previous call "
                    f"(reordered), not an older one.")
            if sorted(call.last) != want_last:
                raise AssertionError(
                    f"{context}: call {number} of step extended hypotheses ending in {sorted(call.last)}; the live "
                    f"hypotheses at that point should be {[list(p) for p in expected]} (last tokens {want_last}). "
                    f"Keep the best beam_size - len(finished) of ALL K*V candidates, ranked by their total logprob "
                    f"(highest first), and take each candidate's parent as index // V and its token as index % V."
                    f"\n{Util.beam_table(step.lm, run)}")
        if len(calls) != len(run.live_per_call):
            want = len(run.live_per_call)
            if len(calls) > want:
                finished = sum(1 for h in run.hyps if h.tokens[-1] == EOS)
                reason = (f"after call {want}, beam_size = {beam_size} hypotheses had finished, so the search is over"
                          if finished >= beam_size else f"after call {want}, max_len = {max_len} tokens had been "
                          f"generated, so the search is over")
                raise AssertionError(f"{context} called step {len(calls)} times; expected {want}: {reason}.")
            raise AssertionError(
                f"{context} called step only {len(calls)} times; expected {want}: the search goes on while fewer "
                f"than beam_size hypotheses are finished and fewer than max_len tokens have been generated.")

    @staticmethod
    def run_beam(dec, step, beam_size, max_len, alpha=None, state_text="state"):
        """(call text, the student's hypotheses) for one beam_search call with this step."""
        call = Util.beam_call(beam_size, max_len, alpha, state_text)
        kwargs = dict(sos_id=SOS, eos_id=EOS, beam_size=beam_size, max_len=max_len)
        if alpha is not None:
            kwargs["alpha"] = alpha
        value = Util.run(dec.beam_search, step, step.initial_state(), context=call, **kwargs)
        return call, Util.hypotheses(value, call)

    @staticmethod
    def check_beam(dec, lm, step, beam_size, max_len, alpha, *, hint, run=None, calls=True, scores=False,
                   state_text="state", first_check=None, error_hint=None):
        """Run the student's beam search and compare it with the simulated contract.

        calls: compare the recorded step calls (K, last tokens) call by call;
        scores: also compare the scores and the order (else only tokens and logprobs);
        first_check(step, run, call): a test's own check of the calls, made before the others;
        error_hint: added to the feedback when the student's code raises.
        """
        run = run or simulate_beam(lm, beam_size, max_len, 1.0 if alpha is None else alpha)
        try:
            call, got = Util.run_beam(dec, step, beam_size, max_len, alpha, state_text)
        except StudentError as exc:
            if error_hint is None or step.error is not None or exc.type_name not in ("RuntimeError", "IndexError"):
                raise
            raise AssertionError(f"{exc.feedback()}\n{error_hint}") from None
        extra = [h.tokens[:i] for h in got for i in range(len(h.tokens))][:40]
        try:
            if first_check is not None:
                first_check(step, run, call)
            if calls:
                Util.check_beam_calls(step, run, call, beam_size, max_len)
            Util.compare_sets(got, run.hyps, lm, call, hint)
            if scores:
                Util.check_scores_and_order(got, alpha, call)
                order = [h.tokens for h in got]
                want = [h.tokens for h in run.hyps]
                if order != want:
                    raise AssertionError(
                        f"{call} returned the right hypotheses in the wrong order.\n"
                        f"You returned: {Util.listing(got, True)}\nExpected:     {Util.listing(run.hyps, True)}")
        except AssertionError as exc:
            text = str(exc)
            if "The step function's log-probabilities" not in text:
                text += "\n" + Util.beam_table(lm, run, extra)
            raise AssertionError(text) from None
        return got

    # ---- random cases -------------------------------------------------------------------------
    @staticmethod
    def sizes(count, largest):
        return [1 + (largest - 1) * i // max(1, count - 1) for i in range(count)]

    @staticmethod
    def draw(rng, build: Callable[[str], Any], accept: Callable[[Any], bool], tries: int = 400):
        """A case from build(seed) for which accept(case) holds (rejection sampling)."""
        for _ in range(tries):
            case = build(f"{rng.getrandbits(64):x}")
            if accept(case):
                return case
        raise RuntimeError("grader problem: no acceptable random case was found")
