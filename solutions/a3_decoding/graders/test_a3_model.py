"""Graders: decoding a real model, A2's attention model trained on the dates task.

The model is A2's reference ``AttnSeq2Seq``, trained HERE, in the trusted process, for a
fixed number of steps (fixed torch seed, one thread: the same model on every run), and
cached per process. Its ``decode_step`` is the step function: every call the student's
decoder makes crosses back to this process, which runs the model and records the call.
The expected outputs come from this process's own decoding of the same model: greedy and
the contract's beam search (``simulate_beam``) over prefixes, one hypothesis at a time.

The student's calls batch K hypotheses in an order of their choosing, which can change
float32 results in the last bits, so logprobs are compared to 1e-4 and only held-out dates
whose deciding comparisons are separated by GAP are used.

If A2's reference cannot be loaded (say the solutions of A2 are not installed), a small
GRU decoder with fixed random weights and a random "source memory" stands in for it, so
the test still checks decoding a stateful torch model.
"""

from __future__ import annotations

import functools
import importlib.util
import random
from collections import Counter
from pathlib import Path

import torch
from torch import nn

from autograder import datasets

A2_REFERENCE = Path(__file__).resolve().parents[2] / "a2_attention" / "reference" / "attention.py"
SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]
SOS, EOS = 2, 3
TRAIN_STEPS, BATCH, SEED = 150, 32, 1234  # about 1.5 s of CPU; the model writes date-like strings
MAX_LEN = 12
MODEL_TOL = 1e-4


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
        spec = importlib.util.spec_from_file_location("a3_graders_a2_reference", A2_REFERENCE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        pairs = [(s.split(), t.split()) for s, t in datasets.dates("train")]
        self.src_itos, self.src_stoi = _vocab(s for s, _ in pairs)
        self.tgt_itos, self.tgt_stoi = _vocab(t for _, t in pairs)
        torch.manual_seed(SEED)
        self.model = module.AttnSeq2Seq(len(self.src_itos), len(self.tgt_itos), 16, 32, score="general")
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
        self.vocab_size = len(self.tgt_itos)
        self.name = "A2's attention model trained on the dates task"

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


@functools.lru_cache(maxsize=1)
def trained_model():
    torch.set_num_threads(1)
    try:
        return DatesModel()
    except Exception:  # A2's reference is missing or broken: decode a stand-in model instead
        return ToyModel()


def _tensors(state, where="state"):
    if isinstance(state, torch.Tensor):
        return [(where, state)]
    if isinstance(state, tuple):
        return [item for i, part in enumerate(state) for item in _tensors(part, f"{where}[{i}]")]
    return [(where, state)]


class ModelLM:
    """log p(next | prefix) from the model, one hypothesis at a time (cached per prefix)."""

    kind = "model"

    def __init__(self, model, state):
        self.model, self.vocab_size = model, model.vocab_size
        self.cache = {}
        self.initial = state

    def _after(self, prefix):
        if prefix not in self.cache:
            if prefix:
                _, state = self._after(prefix[:-1])
                last = prefix[-1]
            else:
                state, last = self.initial, SOS
            log_probs, new_state = self.model.decode_step(torch.tensor([last]), state)
            self.cache[prefix] = ([float(v) for v in log_probs[0].tolist()], new_state)
        return self.cache[prefix]

    def logprobs(self, prefix):
        return self._after(tuple(prefix))[0]

    def describe_rows(self, prefixes):
        return [(f"after <sos> {self.model.text(p)}".rstrip(), self.logprobs(p)) for p in dict.fromkeys(prefixes)]


def make_model_step(util, model, state, max_len):
    """A RecordingStep that runs the model; it checks the state keeps its structure."""
    reference = _tensors(state)

    class ModelStep(util.RecordingStep):
        def initial_state(self):
            return state

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
                    self.fail(f"call {number} passed {len(tokens)} last tokens with {where} = {util.shown(tensor)}; "
                              f"the model's {where} has shape [K, {', '.join(map(str, original.shape[1:]))}] with "
                              f"K = the number of hypotheses: reorder it with index_select(0, parents)")
            self.calls.append(util.Call(tokens))
            log_probs, new_state = model.decode_step(last_tokens.long(), got_state)
            return log_probs, new_state

    return ModelStep(ModelLM(model, state), max_len)


def _pick_sources(rng, model, count, accept):
    sources = model.sources()
    chosen = []
    for source in rng.sample(sources, min(len(sources), 60)):
        lm = ModelLM(model, model.encode(source))
        if accept(lm):
            chosen.append((source, lm))
            if len(chosen) == count:
                return chosen
    raise RuntimeError("grader problem: no held-out date gives a clear decoding")


# ---------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------

def test_model_greedy_decode(dec, util, rng, record):
    """Decoding a trained attention model: greedy_decode with decode_step as the step"""
    model = trained_model()
    record("model", model.name)
    decodes = []
    for source, lm in _pick_sources(rng, model, 3, lambda lm: util.simulate_greedy(lm, MAX_LEN)[1]):
        want, _ = util.simulate_greedy(lm, MAX_LEN)
        step = make_model_step(util, model, lm.initial, MAX_LEN)
        call = util.greedy_call(MAX_LEN, "model.encode(src, src_mask)")
        got = list(util.greedy_result(util.run(dec.greedy_decode, step, step.initial_state(), sos_id=SOS,
                                               eos_id=EOS, max_len=MAX_LEN, context=call), call))
        decodes.append({"source": source, "expected": model.text(want), "got": model.text(got)})
        record("greedy", decodes)
        if got != want:
            raise AssertionError(
                f"{call} with step = model.decode_step ({model.name}), source {source!r}, returned "
                f"{got} = '{model.text(got)}'; the model's greedy decoding is {want} = '{model.text(want)}'. "
                f"Feed back the argmax token and the state returned by the previous call; stop after <eos>.")


def test_model_beam_search(dec, util, rng, record):
    """Decoding a trained attention model: beam_search with decode_step as the step"""
    model = trained_model()
    record("model", model.name)
    decodes = []
    settings = [(3, 1.0), (4, 0.75), (2, 0.0)]
    rng.shuffle(settings)
    for beam_size, alpha in settings:
        def clear(lm):
            return util.simulate_beam(lm, beam_size, MAX_LEN, alpha).clear

        (source, lm), = _pick_sources(rng, model, 1, clear)
        run = util.simulate_beam(lm, beam_size, MAX_LEN, alpha)
        step = make_model_step(util, model, lm.initial, MAX_LEN)
        call, got = util.run_beam(dec, step, beam_size, MAX_LEN, alpha, "model.encode(src, src_mask)")
        decodes.append({"source": source, "beam_size": beam_size, "alpha": alpha,
                        "expected": [[model.text(h.tokens), round(h.logprob, 4)] for h in run.hyps],
                        "got": [[model.text(h.tokens), round(h.logprob, 4)] for h in got]})
        record("beam", decodes)
        def shown(hyps):
            return "".join(f"\n  '{model.text(h.tokens)}' (logprob {h.logprob:.4f}, score {h.score:.4f})"
                           for h in hyps) or " nothing"
        context = (f"{call} with step = model.decode_step ({model.name}), source {source!r}")
        same = [h.tokens for h in got] == [h.tokens for h in run.hyps] and all(
            abs(g.logprob - w.logprob) <= MODEL_TOL and abs(g.score - w.score) <= MODEL_TOL
            for g, w in zip(got, run.hyps))
        if not same:
            raise AssertionError(
                f"{context} returned:{shown(got)}\nexpected (best score first):{shown(run.hyps)}\n"
                f"The model's state (encoder outputs, mask and decoder hidden state) must follow each "
                f"hypothesis's parent; finished hypotheses leave the beam; score = logprob / len ** {alpha}.")
