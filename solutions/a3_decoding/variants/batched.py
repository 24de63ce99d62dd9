"""A3, an independent correct solution in another style: the live beam is a tensor of token
rows [K, t] with a score vector [K], candidates are ranked with one torch.sort, parents
come from floor division, and the state is reordered with advanced indexing. No helper
shares a name with the reference's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import Tensor

StepFunction = Callable[[Tensor, Any], "tuple[Tensor, Any]"]


@dataclass
class Hypothesis:
    tokens: list[int]
    logprob: float
    score: float


def _rows(state: Any, rows: Tensor) -> Any:
    """Row selection along dim 0 of every tensor of a (nested) state; None stays None."""
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state[rows]
    return type(state)(_rows(part, rows) for part in state)


def greedy_decode(step: StepFunction, state: Any, *, sos_id: int, eos_id: int, max_len: int) -> list[int]:
    if max_len < 1:
        raise ValueError(f"max_len must be positive (got {max_len})")
    output: list[int] = []
    token = sos_id
    for _ in range(max_len):
        log_probs, state = step(torch.tensor([token], dtype=torch.long), state)
        token = int(torch.argmax(log_probs, dim=-1)[0])
        output.append(token)
        if token == eos_id:
            break
    return output


def beam_search(step: StepFunction, state: Any, *, sos_id: int, eos_id: int, beam_size: int, max_len: int,
                alpha: float = 1.0) -> list[Hypothesis]:
    if beam_size < 1:
        raise ValueError(f"beam_size must be positive (got {beam_size})")
    if max_len < 1:
        raise ValueError(f"max_len must be positive (got {max_len})")
    sequences = torch.zeros(1, 0, dtype=torch.long)  # [K, t]: the live hypotheses' tokens
    totals = torch.zeros(1, dtype=torch.float64)      # [K]: their logprobs
    finished: list[tuple[list[int], float]] = []
    for length in range(1, max_len + 1):
        last = sequences[:, -1] if length > 1 else torch.full((1,), sos_id, dtype=torch.long)
        log_probs, state = step(last, state)
        vocab = log_probs.shape[-1]
        flat = (totals.unsqueeze(1) + log_probs.to(torch.float64)).reshape(-1)
        ranked_values, ranked_index = torch.sort(flat, descending=True)
        room = min(beam_size - len(finished), flat.numel())
        values, index = ranked_values[:room], ranked_index[:room]
        parents = torch.div(index, vocab, rounding_mode="floor")
        tokens = index - parents * vocab
        grown = torch.cat([sequences[parents], tokens.unsqueeze(1)], dim=1)
        ended = tokens == eos_id
        finished.extend(zip(grown[ended].tolist(), values[ended].tolist()))
        going = ~ended
        sequences, totals = grown[going], values[going]
        if len(finished) >= beam_size or sequences.shape[0] == 0:
            break
        state = _rows(state, parents[going])
    results = finished + list(zip(sequences.tolist(), totals.tolist()))
    hypotheses = [Hypothesis(list(tokens), float(logprob), float(logprob) / len(tokens) ** alpha)
                  for tokens, logprob in results]
    return sorted(hypotheses, key=lambda h: h.score, reverse=True)
