"""Graders: decoding a real model, A2's attention model trained on the dates task.

Two checks, each in the concept it re-tests (after the due date):

* greedy decoding of the model (concept greedy): the output against this process's own
  greedy walk over the same model;
* beam search on the model's own state, a tuple (encoder outputs [K, S, H], mask [K, S],
  hidden [K, H]) (concept beam_state): every returned hypothesis must have been continued
  from its own state, as with the history tables of test_a3_state.py. The step recognises
  which hypothesis a state row belongs to by comparing it with the rows it returned at the
  previous call, so this check does not depend on which candidates the search keeps. The
  step pads the model's V log-probabilities with V + 1 tokens it never produces, so every
  token the search keeps is in the lower half of the vocabulary and the parent arithmetic
  plays no part (conftest.in_low_half).

The model is A2's reference ``AttnSeq2Seq``, trained HERE, in the trusted process, for a
fixed number of steps (fixed torch seed, one thread: the same model on every run), and
kept for the grading process (``autograder.toolkit.memo``). Its ``decode_step`` is the step function: every call the student's
decoder makes crosses back to this process, which runs the model and records the call.
If A2's reference cannot be loaded, a small GRU decoder with fixed random weights and a
random "source memory" stands in for it, so the checks still decode a stateful torch model.
"""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path

import torch
from torch import nn

from autograder import datasets
from autograder.toolkit import describe, expect_equal, memo

A2_REFERENCE = Path(__file__).resolve().parents[2] / "a2_attention" / "reference" / "attention.py"
SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]
SOS, EOS = 2, 3
TRAIN_STEPS, BATCH, SEED = 150, 32, 1234  # about 1.5 s of CPU; the model writes date-like strings
MAX_LEN = 12
MATCH_TOL = 1e-4
PAD_LOGPROB = -50.0  # the log-probability of the padding tokens (ModelLM padded=True)


# ---------------------------------------------------------------------------------------
# The model (trusted side)
# ---------------------------------------------------------------------------------------

def _vocab(sentences):
    counts = Counter(token for sentence in sentences for token in sentence)
    itos = SPECIALS + sorted((t for t in counts if t not in SPECIALS), key=lambda t: (-counts[t], t))
    return itos, {token: i for i, token in enumerate(itos)}


def _pad(rows):
    longest = max(len(r) for r in rows)
    return torch.tensor([r + [0] * (longest - len(r)) for r in rows], dtype=torch.long)


class DatesModel:
    """A2's reference model trained on the dates task, with its vocabularies."""

    def __init__(self):
        pairs = [(s.split(), t.split()) for s, t in datasets.dates("train")]
        self.src_itos, self.src_stoi = _vocab(s for s, _ in pairs)
        self.tgt_itos, self.tgt_stoi = _vocab(t for _, t in pairs)
        torch.set_num_threads(1)
        torch.manual_seed(SEED)
        self._build()
        optimizer = torch.optim.Adam(self.model.parameters(), lr=0.02)
        order = random.Random(SEED)
        self.model.train()
        for _ in range(TRAIN_STEPS):
            batch = order.sample(pairs, BATCH)
            src = _pad([[self.src_stoi[t] for t in s] for s, _ in batch])
            tgt = _pad([[SOS] + [self.tgt_stoi[t] for t in t_] + [EOS] for _, t_ in batch])
            logits = self.model(src, src != 0, tgt, teacher_forcing_ratio=1.0)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1),
                                               ignore_index=0)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        self.model.eval()

    def _build(self):
        spec = importlib.util.spec_from_file_location("a3_graders_a2_reference", A2_REFERENCE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.model = module.AttnSeq2Seq(len(self.src_itos), len(self.tgt_itos), 16, 32, score="general")
        self.vocab_size = len(self.tgt_itos)
        self.name = "A2's attention model trained on the dates task"

    # Kept in autograder.toolkit.memo, which pickles it back from the grading fork that
    # trained it: the weights and vocabularies only (the model's class is A2's reference,
    # loaded from its file, which pickle could not find by name).
    def __getstate__(self):
        return {"weights": self.model.state_dict(), "src_itos": self.src_itos, "tgt_itos": self.tgt_itos}

    def __setstate__(self, state):
        self.src_itos, self.tgt_itos = state["src_itos"], state["tgt_itos"]
        self.src_stoi = {token: i for i, token in enumerate(self.src_itos)}
        self.tgt_stoi = {token: i for i, token in enumerate(self.tgt_itos)}
        self._build()
        self.model.load_state_dict(state["weights"])
        self.model.eval()

    def encode(self, source: str):
        src = torch.tensor([[self.src_stoi.get(t, 1) for t in source.split()]], dtype=torch.long)
        with torch.no_grad():
            return self.model.encode(src, src != 0)

    def decode_step(self, last_tokens, state):
        with torch.no_grad():
            return self.model.decode_step(last_tokens, state)

    def text(self, tokens):
        return " ".join(self.tgt_itos[t] if 0 <= t < len(self.tgt_itos) else "?" for t in tokens)

    def sources(self):
        return [s for s, _ in datasets.dates("test")]


class ToyModel:
    """Stand-in when A2's reference is unavailable: a GRU cell attending over a random memory."""

    def __init__(self):
        torch.manual_seed(SEED)
        self.vocab_size, hidden = 9, 16
        self.embedding = nn.Embedding(self.vocab_size, hidden)
        self.cell = nn.GRUCell(hidden, hidden)
        self.output = nn.Linear(2 * hidden, self.vocab_size)
        self.hidden = hidden
        self.name = "a small GRU decoder with fixed random weights"

    def encode(self, source: str):
        generator = torch.Generator().manual_seed(int(source))
        memory = torch.randn(1, 5, self.hidden, generator=generator)
        return memory, memory.mean(dim=1)

    def decode_step(self, last_tokens, state):
        memory, hidden = state
        with torch.no_grad():
            hidden = self.cell(self.embedding(last_tokens), hidden)
            weights = torch.softmax(torch.bmm(memory, hidden.unsqueeze(2)).squeeze(2), dim=1)
            context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
            logits = 2.0 * self.output(torch.cat([context, hidden], dim=1))
            return torch.log_softmax(logits, dim=-1), (memory, hidden)

    def text(self, tokens):
        return " ".join(map(str, tokens))

    def sources(self):
        return [str(i) for i in range(1000)]


def trained_model():
    try:
        return memo.remembered(("a3 dates model", SEED, TRAIN_STEPS, A2_REFERENCE.read_text(encoding="utf-8")),
                               DatesModel)
    except Exception:  # A2's reference is missing or broken: decode a stand-in model instead
        return ToyModel()


def _tensors(state, where="state"):
    if isinstance(state, torch.Tensor):
        return [(where, state)]
    if isinstance(state, tuple):
        return [item for i, part in enumerate(state) for item in _tensors(part, f"{where}[{i}]")]
    return [(where, state)]


class ModelLM:
    """log p(next | prefix) from the model, one hypothesis at a time (cached per prefix).

    ``padded``: the model's V tokens are followed by V + 1 tokens it never produces
    (log-probability PAD_LOGPROB), so every token it does produce is in the lower half of
    the vocabulary (see conftest.in_low_half): the beam-state check does not depend on how
    a search computes its parents from flat indices (the candidate tests charge that). A
    search that keeps a padding token anyway feeds it to the model as token ``t % V``."""

    def __init__(self, model, state, padded=False):
        self.model = model
        self.pad = model.vocab_size + 1 if padded else 0
        self.vocab_size = model.vocab_size + self.pad
        self.cache = {}
        self.initial = state

    def _after(self, prefix):
        if prefix not in self.cache:
            if prefix:
                _, state = self._after(prefix[:-1])
                last = prefix[-1]
            else:
                state, last = self.initial, SOS
            log_probs, new_state = self.model.decode_step(torch.tensor([last % self.model.vocab_size]), state)
            self.cache[prefix] = ([float(v) for v in log_probs[0].tolist()] + [PAD_LOGPROB] * self.pad, new_state)
        return self.cache[prefix]

    def logprobs(self, prefix):
        return self._after(tuple(prefix))[0]

    def describe_rows(self, prefixes):
        return [(f"after <sos> {' '.join(map(str, p))}".rstrip() + (f" ('{self.model.text(p)}')" if p else ""),
                 self.logprobs(p)) for p in dict.fromkeys(prefixes) if p[:1] != (-1,)]


def make_model_step(a3, model, state, max_len, padded=False):
    """A RecordingStep that runs the model; it checks the state keeps its structure and
    records, for every row, which hypothesis's state it was (by comparing the row with the
    rows it returned at the previous call). ``padded``: log-probabilities [K, 2V + 1], the
    model's V followed by padding tokens (ModelLM)."""
    reference = _tensors(state)

    class ModelStep(a3.RecordingStep):
        def __init__(self):
            super().__init__(ModelLM(model, state, padded), max_len)
            self.known = None

        def __deepcopy__(self, memo):
            fresh = super().__deepcopy__(memo)
            fresh.known = None
            return fresh

        def initial_state(self):
            return state

        def _rows(self, parts, i):
            return [tensor[i] for _, tensor in parts]

        def _which(self, row):
            """The prefixes whose state this row is (several when their states are the same,
            as for a padding token and the token it is fed as), or {(-1,)} when no call
            returned it."""
            found = set()
            for rows, prefixes in self.known or [(self._rows(reference, 0), {()})]:
                gap = max(float((a.double() - b.double()).abs().max()) if a.numel() else 0.0
                          for a, b in zip(row, rows))
                if gap <= MATCH_TOL:
                    found |= prefixes
            return found or {(-1,)}

        def __call__(self, last_tokens, got_state):
            tokens = self.read_tokens(last_tokens)
            number = len(self.calls) + 1
            parts = _tensors(got_state)
            if [w for w, _ in parts] != [w for w, _ in reference]:
                self.fail(f"call {number} passed a state with the parts {[w for w, _ in parts]}; the model's state "
                          f"is a tuple with the parts {[w for w, _ in reference]}: pass it on with every tensor "
                          f"reordered along dim 0")
            for (where, tensor), (_, original) in zip(parts, reference):
                if not isinstance(tensor, torch.Tensor) or tensor.dim() != original.dim() \
                        or tensor.shape[1:] != original.shape[1:] or tensor.size(0) != len(tokens):
                    self.fail(f"call {number} passed {len(tokens)} last tokens {tokens} with {where} = "
                              f"{describe(tensor)}; the model's {where} has shape "
                              f"[K, {', '.join(map(str, original.shape[1:]))}] with K = the number of hypotheses")
            if self.known is None:  # the first call reads <sos> with the given state: nothing generated yet
                read = [{()} if t == SOS and () in self._which(self._rows(parts, i)) else {(-1, t)}
                        for i, t in enumerate(tokens)]
            else:
                read = [{p + (t,) for p in self._which(self._rows(parts, i))} for i, t in enumerate(tokens)]
            prefixes = [min(options) for options in read]
            also = [p for options in read for p in sorted(options)[1:]]
            log_probs, new_state = model.decode_step(last_tokens.long() % model.vocab_size, got_state)
            if self.lm.pad:
                log_probs = torch.cat([log_probs, torch.full((len(tokens), self.lm.pad), PAD_LOGPROB)], dim=1)
            returned = _tensors(new_state)
            self.known = [(self._rows(returned, j), read[j]) for j in range(len(tokens))]
            self.calls.append(a3.StepCall(tokens, prefixes=prefixes, also=also))
            return log_probs, new_state

    return ModelStep()


def _pick_sources(rng, model, count, accept, padded=False):
    sources = model.sources()
    chosen = []
    for source in rng.sample(sources, min(len(sources), 60)):
        lm = ModelLM(model, model.encode(source), padded)
        if accept(lm):
            chosen.append((source, lm))
            if len(chosen) == count:
                return chosen
    raise RuntimeError("grader problem: no held-out date gives a clear decoding")


# ---------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------

def test_greedy_model(a3, dec, mistakes, rng, record):
    """Greedy decoding: A2's attention model, with decode_step as the step, decodes as its argmax walk"""
    model = trained_model()
    record("model", model.name)
    decodes = []
    for source, lm in _pick_sources(rng, model, 3, lambda lm: a3.simulate_greedy(lm, MAX_LEN)[1]):
        want, _ = a3.simulate_greedy(lm, MAX_LEN)
        step = make_model_step(a3, model, lm.initial, MAX_LEN)
        call = a3.greedy_call(step, MAX_LEN, "model.encode(src, src_mask)")
        got = a3.token_list(a3.run(call, dec, mistakes), call)
        decodes.append({"source": source, "expected": model.text(want), "got": model.text(got)})
        record("greedy", decodes)
        expect_equal(got, tuple(want), call, mistakes=mistakes, show=lambda tokens: describe(list(tokens)),
                     rule="greedy decoding feeds back the argmax token with the state step returned, and stops "
                          "right after <eos>",
                     normalize=lambda value: a3.token_list(value, ""),
                     notes=[f"step = model.decode_step ({model.name}), source {source!r}: you decoded "
                            f"'{model.text(got)}', its greedy decoding is '{model.text(want)}'"])


def test_state_model(a3, dec, mistakes, rng, record, student):
    """Beam state: with A2's attention model, every hypothesis continues from its own (encoder, mask, hidden) rows"""
    model = trained_model()
    record("model", model.name)
    decodes = []
    settings = [3, 4, 2]
    rng.shuffle(settings)
    with a3.correct_helpers(student, dec, mistakes, "best_candidates"):
        for beam_size in settings:
            def reorders(lm):
                run = a3.simulate_beam(lm, beam_size, MAX_LEN, 0.0)
                return a3.kept_in_low_half(run, lm.vocab_size) and any(
                    [p[:-1] for p in after] != list(before)[:len(after)]
                    for before, after in zip(run.live_per_call, run.live_per_call[1:]))

            (source, lm), = _pick_sources(rng, model, 1, reorders, padded=True)
            step = make_model_step(a3, model, lm.initial, MAX_LEN, padded=True)
            call = a3.beam_call(step, beam_size, MAX_LEN, 0.0, "model.encode(src, src_mask)")
            note = (f"step = model.decode_step ({model.name}), source {source!r}; its {model.vocab_size} tokens are "
                    f"followed by {lm.pad} padding tokens of log-probability {PAD_LOGPROB} (V = {lm.vocab_size})")
            got = a3.check_state_follows(dec, mistakes, call, lm, notes=[note])
            decodes.append({"source": source, "beam_size": beam_size,
                            "got": [[model.text(h.tokens), round(h.logprob, 4)] for h in got]})
            record("beam", decodes)
