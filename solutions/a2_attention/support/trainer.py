"""A2 grading support: the training loop and helpers that run NEXT TO the student's model.

The A2 graders load this file into the student process with
``student.support_module("a2_trainer", source)``: a model cannot leave that process, so
training it, and anything else that needs its parameters and autograd, happens here.
Students may read this file (it is no secret): it is the same recipe the assignment's
README describes, and it decides nothing. Everything it returns is a claim; the graders
decide from data they check themselves, such as the model's translations of held-out dates
that the trusted process generates with a secret seed and sends only after training.

Only the contract's API of ``AttnSeq2Seq`` is used: ``model(src, src_mask, tgt,
teacher_forcing_ratio=1.0)`` for training, ``encode`` / ``decode_step`` / ``last_attention``
for decoding.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter

import torch
import torch.nn.functional as F

PAD, UNK, SOS, EOS = "<pad>", "<unk>", "<sos>", "<eos>"
SPECIALS = [PAD, UNK, SOS, EOS]
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3


class GradingProblem(Exception):
    """Something about the model that the trainer cannot work with (the message is for the student)."""


def build_vocab(sentences):
    """The specials, then every token by (count descending, token ascending)."""
    counts = Counter(token for sentence in sentences for token in sentence)
    itos = SPECIALS + sorted((t for t in counts if t not in SPECIALS), key=lambda t: (-counts[t], t))
    return itos, {token: i for i, token in enumerate(itos)}


def _describe(value):
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def _tensors_in(value):
    """Every tensor inside a value made of tensors, tuples, lists and dicts (in order)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _tensors_in(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _tensors_in(item)]
    return []


class Task:
    """The dates task, numericalised: vocabularies from the training pairs, batches, decoding."""

    def __init__(self, pairs, max_target_len=12):
        self.pairs = [(source.split(), target.split()) for source, target in pairs]
        self.src_itos, self.src_stoi = build_vocab(s for s, _ in self.pairs)
        self.tgt_itos, self.tgt_stoi = build_vocab(t for _, t in self.pairs)
        self.max_target_len = max_target_len

    def sizes(self):
        return {"src_vocab": len(self.src_itos), "tgt_vocab": len(self.tgt_itos)}

    # -- tensors --------------------------------------------------------------------------
    def encode_sources(self, sources):
        """Token lists -> (src [B, S] right-padded with 0, src_mask [B, S] True on real tokens)."""
        ids = [[self.src_stoi.get(t, UNK_ID) for t in tokens] for tokens in sources]
        longest = max(len(s) for s in ids)
        src = torch.full((len(ids), longest), PAD_ID, dtype=torch.long)
        for row, sentence in enumerate(ids):
            src[row, :len(sentence)] = torch.tensor(sentence, dtype=torch.long)
        return src, src != PAD_ID

    def encode_targets(self, targets):
        """Token lists -> tgt [B, T]: <sos> ids <eos>, right-padded with 0."""
        ids = [[SOS_ID] + [self.tgt_stoi.get(t, UNK_ID) for t in tokens] + [EOS_ID] for tokens in targets]
        longest = max(len(t) for t in ids)
        tgt = torch.full((len(ids), longest), PAD_ID, dtype=torch.long)
        for row, sentence in enumerate(ids):
            tgt[row, :len(sentence)] = torch.tensor(sentence, dtype=torch.long)
        return tgt

    def epoch(self, order, batch_size, window=50):
        """One pass over the training pairs in batches of sources of (nearly) one length.

        The pairs are shuffled, sorted by source length within windows of ``window``
        batches, cut into batches and the batches shuffled: a batch holds little padding,
        so that how a model treats padding (graded on its own, with ``last_attention``)
        does not decide how fast it learns.
        """
        indices = list(range(len(self.pairs)))
        order.shuffle(indices)
        batches = []
        for start in range(0, len(indices), batch_size * window):
            chunk = sorted(indices[start:start + batch_size * window], key=lambda i: len(self.pairs[i][0]))
            batches += [chunk[k:k + batch_size] for k in range(0, len(chunk), batch_size)]
        order.shuffle(batches)
        return batches

    def batch(self, indices):
        src, mask = self.encode_sources([self.pairs[i][0] for i in indices])
        return src, mask, self.encode_targets([self.pairs[i][1] for i in indices])

    # -- training -------------------------------------------------------------------------
    def train(self, model, *, seed, cpu_seconds, max_steps=100000, batch_size=128, lr=6e-3,
              min_lr=5e-4, clip=1.0, stop_loss=0.01, wall_seconds=None):
        """Adam on the cross-entropy of teacher-forced logits, for a CPU-time budget.

        Stops after ``cpu_seconds`` of this process's CPU time (or ``wall_seconds`` of wall
        time, a guard against a loaded machine), after ``max_steps``, or once the smoothed
        training loss is below ``stop_loss``. The learning rate decays from ``lr`` towards
        ``min_lr`` as the budget is spent (cosine), which avoids late loss spikes.
        Returns what happened (a claim, for the feedback only).
        """
        torch.manual_seed(seed)
        order = random.Random(seed)
        parameters = [p for p in model.parameters() if p.requires_grad]
        if not parameters:
            raise GradingProblem("the model has no trainable parameters (model.parameters() is empty)")
        optimizer = torch.optim.Adam(parameters, lr=lr)
        vocab = len(self.tgt_itos)
        model.train()
        cpu_start, wall_start = time.process_time(), time.monotonic()
        smoothed, steps, history = None, 0, []
        batches = []
        while steps < max_steps:
            if not batches:
                batches = self.epoch(order, batch_size)
            src, mask, tgt = self.batch(batches.pop())
            logits = model(src, mask, tgt, teacher_forcing_ratio=1.0)
            if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (tgt.size(0), tgt.size(1) - 1, vocab):
                raise GradingProblem(
                    f"model(src, src_mask, tgt, teacher_forcing_ratio=1.0) with src {tuple(src.shape)} and "
                    f"tgt {tuple(tgt.shape)} returned {_describe(logits)}; expected logits of shape "
                    f"{(tgt.size(0), tgt.size(1) - 1, vocab)} = [B, T-1, tgt_vocab]")
            loss = F.cross_entropy(logits.reshape(-1, vocab), tgt[:, 1:].reshape(-1), ignore_index=PAD_ID)
            if not torch.isfinite(loss):
                raise GradingProblem(f"the training loss became {loss.item()} after {steps} steps "
                                     f"(NaN or inf: look for a softmax over an all -inf row or a division by 0)")
            if not loss.requires_grad:
                raise GradingProblem("the training loss has no gradient: the logits do not depend on any "
                                     "trainable parameter (torch.no_grad() or .detach() in forward?)")
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, clip)
            spent = (time.process_time() - cpu_start) / cpu_seconds
            for group in optimizer.param_groups:
                group["lr"] = min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * min(1.0, spent)))
            optimizer.step()
            steps += 1
            value = loss.item()
            smoothed = value if smoothed is None else 0.95 * smoothed + 0.05 * value
            if steps % 50 == 0:
                history.append(round(smoothed, 4))
            if time.process_time() - cpu_start >= cpu_seconds:
                break
            if wall_seconds is not None and time.monotonic() - wall_start >= wall_seconds:
                break
            if steps >= 100 and smoothed < stop_loss:
                break
        model.eval()
        return {"steps": steps, "cpu_seconds": round(time.process_time() - cpu_start, 2),
                "wall_seconds": round(time.monotonic() - wall_start, 2),
                "loss": round(smoothed, 5), "history": history}

    # -- decoding -------------------------------------------------------------------------
    @torch.no_grad()
    def translate(self, model, sources, batch_size=250):
        """Greedy decoding with encode / decode_step: token lists in, token lists out."""
        model.eval()
        tokens = [s.split() if isinstance(s, str) else list(s) for s in sources]
        # Sentences of one length at a time (no padding), returned in the order given.
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        groups = []
        for i in order:
            if groups and len(tokens[groups[-1][-1]]) == len(tokens[i]) and len(groups[-1]) < batch_size:
                groups[-1].append(i)
            else:
                groups.append([i])
        results = [None] * len(tokens)
        for group in groups:
            src, mask = self.encode_sources([tokens[i] for i in group])
            state = model.encode(src, mask)
            inputs = torch.full((len(group),), SOS_ID, dtype=torch.long)
            outputs = []
            for _ in range(self.max_target_len):
                log_probs, state = model.decode_step(inputs, state)
                inputs = log_probs.argmax(dim=-1)  # [K]
                outputs.append(inputs)
            table = torch.stack(outputs, dim=1).tolist()  # [K, max_len]
            for i, row in zip(group, table):
                words = []
                for token in row:
                    if token == EOS_ID:
                        break
                    words.append(self.tgt_itos[token] if 0 <= token < len(self.tgt_itos) else UNK)
                results[i] = words
        return results

    @torch.no_grad()
    def attention_map(self, model, source):
        """Greedy-decode one sentence; its output tokens and the attention row of every step."""
        model.eval()
        tokens_in = source.split() if isinstance(source, str) else list(source)
        src, mask = self.encode_sources([tokens_in])
        state = model.encode(src, mask)
        token = torch.full((1,), SOS_ID, dtype=torch.long)
        output, rows = [], []
        for _ in range(self.max_target_len):
            log_probs, state = model.decode_step(token, state)
            weights = model.last_attention
            rows.append(weights[0].float().tolist() if isinstance(weights, torch.Tensor) else None)
            token = log_probs.argmax(dim=-1)
            word = token.item()
            output.append(self.tgt_itos[word] if 0 <= word < len(self.tgt_itos) else UNK)
            if word == EOS_ID:
                break
        return {"source": tokens_in, "output": output, "weights": rows}


# -- checks that need autograd or the model's parameters -----------------------------------

def gradient_report(model, src, src_mask, tgt, seed=0):
    """Which parameters feed ``encode``'s outputs, and does the training loss reach them?

    1. The parameters "used by encode" are those that get a gradient from a random linear
       function of every floating-point tensor in the state ``encode`` returns.
    2. Then the teacher-forced cross-entropy of ``model(src, src_mask, tgt)`` is
       back-propagated, and every parameter's gradient norm is reported.
    Returns {name: [used_by_encode, grad norm from encode, grad norm from the loss, shape]}.
    """
    generator = torch.Generator().manual_seed(seed)
    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    model.train()
    for _, p in named:
        p.grad = None
    state = model.encode(src, src_mask)
    probe = None
    for tensor in _tensors_in(state):
        if tensor.is_floating_point() and tensor.requires_grad:
            weights = torch.randn(tensor.shape, generator=generator, dtype=tensor.dtype)
            term = (tensor * weights).sum()
            probe = term if probe is None else probe + term
    from_encode = {}
    if probe is not None:
        probe.backward()
    for name, p in named:
        from_encode[name] = 0.0 if p.grad is None else float(p.grad.norm())
        p.grad = None
    logits = model(src, src_mask, tgt, teacher_forcing_ratio=1.0)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1), ignore_index=PAD_ID)
    loss.backward()
    report = {}
    for name, p in named:
        from_loss = 0.0 if p.grad is None else float(p.grad.norm())
        report[name] = [from_encode[name] > 0, from_encode[name], from_loss, list(p.shape)]
        p.grad = None
    model.eval()
    return report
