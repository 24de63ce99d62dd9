"""A3: greedy decoding and beam search (model answer).

Both decoders talk to the model only through a *step function*:

    step(last_tokens: Tensor[K], state) -> (log_probs: Tensor[K, V], state)

K is the number of hypotheses being extended (1 for greedy), ``last_tokens[i]`` the last
token of hypothesis i, and ``log_probs[i, y]`` = log p(y | hypothesis i). ``state`` is
whatever the model needs to remember (an RNN's hidden state, encoder outputs): a tensor,
a (nested) tuple of tensors, or None, with the hypotheses on dim 0 of every tensor.

Choices where the contract (COURSE_API.md, A3) leaves room; the graders accept these:

* ``Hypothesis.tokens`` holds the GENERATED tokens only: no ``<sos>``, and ``<eos>`` last
  when the hypothesis finished. ``len(tokens)`` is therefore the length used by the score.
* Candidates are ranked by their cumulative log-probability. All candidates of one step
  extend hypotheses of the same length, so ranking them by ``score`` instead would keep the
  same ones: length normalisation only matters when finished hypotheses of different
  lengths are compared at the end.
* When ``beam_size - len(finished)`` is larger than the number of candidates K*V (only
  possible with a beam wider than the vocabulary), every candidate is kept.
* Scores are accumulated in float64 Python numbers, whatever dtype the step returns.
* ``last_tokens`` is a ``torch.long`` tensor of shape [K]; greedy feeds K = 1.
* ``step`` is called once per loop iteration and never after the search is over. (Graders
  check this count for beam search, where it follows from the contract's loop; for greedy
  decoding they tolerate calls after the last returned token, which the contract does not
  mention.)
* The caller's ``state`` is never written to: reordering builds new tensors.
* Ties (never tested): torch's argmax / topk pick; nothing here depends on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import Tensor

StepFunction = Callable[[Tensor, Any], "tuple[Tensor, Any]"]


@dataclass
class Hypothesis:
    """One output sequence of beam search."""

    tokens: list[int]  # generated tokens: no <sos>; ends with <eos> if the hypothesis finished
    logprob: float     # sum of the log-probabilities of the tokens
    score: float       # logprob / len(tokens) ** alpha: what the final ranking uses


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")


# ---------------------------------------------------------------------------------------
# Greedy decoding: always take the single most probable next token
# ---------------------------------------------------------------------------------------

def greedy_decode(step: StepFunction, state: Any, *, sos_id: int, eos_id: int, max_len: int) -> list[int]:
    """Feed <sos>, then repeatedly feed back the argmax token, until <eos> or max_len tokens."""
    _check_positive("max_len", max_len)
    tokens: list[int] = []
    last = torch.tensor([sos_id], dtype=torch.long)  # [1]: one hypothesis
    while len(tokens) < max_len:
        log_probs, state = step(last, state)  # [1, V]; the new state has consumed `last`
        token = int(log_probs[0].argmax())
        tokens.append(token)
        if token == eos_id:  # <eos> is part of the output; nothing comes after it
            break
        last = torch.tensor([token], dtype=torch.long)
    return tokens


# ---------------------------------------------------------------------------------------
# Beam search, in three small pieces and a loop
# ---------------------------------------------------------------------------------------

def length_normalised(logprob: float, length: int, alpha: float) -> float:
    """score = logprob / length ** alpha (alpha = 0: the raw logprob; alpha = 1: per token).

    A log-probability only goes down as tokens are added, so without this division short
    hypotheses would win. ``length`` counts every generated token, <eos> included.
    """
    return logprob / length ** alpha


def best_candidates(hyp_logprobs: Tensor, log_probs: Tensor, count: int) -> list[tuple[float, int, int]]:
    """The ``count`` best one-token extensions of K hypotheses, over all K*V candidates.

    hyp_logprobs [K] (float64), log_probs [K, V]. Returns (logprob, parent, token) triples,
    best first: candidate (parent, token) extends hypothesis ``parent`` with ``token``.
    """
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()  # [K, V]: logprob after each extension
    count = min(count, candidates.numel())  # a beam wider than K*V keeps every candidate
    # One ranking over the flattened K*V grid: two children of the same parent may both
    # survive while another parent has none. That is the difference from K greedy searches.
    top_logprobs, flat_index = candidates.flatten().topk(count)  # [count], sorted best first
    parents = flat_index // vocab_size  # the row of the K x V grid (integer division!)
    tokens = flat_index % vocab_size    # the column
    return list(zip(top_logprobs.tolist(), parents.tolist(), tokens.tolist()))


def reorder_state(state: Any, index: Tensor) -> Any:
    """Pick rows ``index`` (dim 0) of every tensor in a state: tensor, nested tuple or None.

    Row i of the result belongs to the i-th new live hypothesis, whose parent is row
    ``index[i]`` of the old state. A parent may be picked twice, or not at all.
    """
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state.index_select(0, index)
    if isinstance(state, (tuple, list)):
        return type(state)(reorder_state(part, index) for part in state)
    raise TypeError(f"a decoder state must be a tensor, a tuple of states or None, got {type(state).__name__}")


def final_ranking(finished: list[Hypothesis], live: list[Hypothesis]) -> list[Hypothesis]:
    """The search is over: the hypotheses still live (max_len was reached, so they have no
    <eos>) join the finished ones, and all of them are ranked by score, best first."""
    return sorted(finished + live, key=lambda h: h.score, reverse=True)


def beam_search(
    step: StepFunction,
    state: Any,
    *,
    sos_id: int,
    eos_id: int,
    beam_size: int,
    max_len: int,
    alpha: float = 1.0,
) -> list[Hypothesis]:
    """Beam search with finished hypotheses leaving the beam (CS224n's variant).

    Returns every finished hypothesis (plus the ones still live when max_len is reached),
    best score first.
    """
    _check_positive("beam_size", beam_size)
    _check_positive("max_len", max_len)

    # One live hypothesis to start with: nothing generated yet, last token <sos>. Starting
    # with beam_size copies would put beam_size copies of every extension in the beam.
    live: list[Hypothesis] = [Hypothesis(tokens=[], logprob=0.0, score=0.0)]
    last_tokens = torch.tensor([sos_id], dtype=torch.long)  # [K] with K = 1
    finished: list[Hypothesis] = []
    generated = 0

    while len(finished) < beam_size and generated < max_len:
        log_probs, state = step(last_tokens, state)  # [K, V]; state rows follow `live`
        generated += 1

        room = beam_size - len(finished)  # finished hypotheses keep their places
        hyp_logprobs = torch.tensor([h.logprob for h in live], dtype=torch.float64)  # [K]

        survivors: list[Hypothesis] = []
        parents: list[int] = []
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, room):
            tokens = live[parent].tokens + [token]  # a new list: the parent may have other children
            hypothesis = Hypothesis(tokens, logprob, length_normalised(logprob, len(tokens), alpha))
            if token == eos_id:
                finished.append(hypothesis)  # done: it is never extended again
            else:
                survivors.append(hypothesis)
                parents.append(parent)

        live = survivors
        if not live:  # every kept candidate ended with <eos>: the beam is full of finished ones
            break
        # Row i of the state must belong to live[i]: copy each survivor's parent row.
        index = torch.tensor(parents, dtype=torch.long)
        state = reorder_state(state, index)
        last_tokens = torch.tensor([h.tokens[-1] for h in live], dtype=torch.long)  # [K]

    return final_ranking(finished, live)
