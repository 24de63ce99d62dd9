"""A3: greedy decoding and beam search.

Complete ``greedy_decode`` and ``beam_search`` (each body is ``raise NotImplementedError``).
Read ``README.md`` first: it explains the ideas with a worked example.

Both decoders are independent of any particular model: they talk to it only through a
*step function*, the same one A2's ``AttnSeq2Seq.decode_step`` provides:

    log_probs, new_state = step(last_tokens, state)

* ``last_tokens``: a ``torch.long`` tensor of shape [K], the last token of each of the K
  hypotheses being extended (K = 1 for greedy decoding, and for the first step of beam
  search, where the only hypothesis is the start token ``<sos>``);
* ``state``: whatever the model remembers about each hypothesis (an RNN hidden state, the
  encoder outputs ...): a tensor, a (nested) tuple of tensors, or None. Every tensor in it
  has the K hypotheses on dim 0: row i belongs to hypothesis i;
* ``log_probs``: a float tensor [K, V], natural-log probabilities of the next token;
  ``log_probs[i, y]`` = log p(y | hypothesis i);
* ``new_state``: the state after reading ``last_tokens``; pass it to the next call.

Rules that hold everywhere:

* Token ids are ints; special ids are passed in (``sos_id``, ``eos_id``), never hard-coded.
* Compare and add log-probabilities; never multiply probabilities.
* Do not modify the tensors you are given (the initial ``state`` in particular).
* Raise ``ValueError`` (with a message naming the argument) when ``max_len < 1`` or
  ``beam_size < 1``. What happens with other odd input is up to you; it is not tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import Tensor

StepFunction = Callable[[Tensor, Any], "tuple[Tensor, Any]"]


@dataclass
class Hypothesis:
    """One output sequence of beam search (given: do not change it).

    * ``tokens``: the GENERATED tokens, as a list of ints: no ``<sos>``; the last one is
      ``<eos>`` if the hypothesis finished, and there is no ``<eos>`` if it was still going
      when ``max_len`` was reached;
    * ``logprob``: the sum of the log-probabilities of those tokens (a float);
    * ``score``: ``logprob / len(tokens) ** alpha``, the number the final ranking uses.
    """

    tokens: list[int]
    logprob: float
    score: float


def greedy_decode(step: StepFunction, state: Any, *, sos_id: int, eos_id: int, max_len: int) -> list[int]:
    """Greedy decoding: at every step take the single most probable next token.

    Feed ``torch.tensor([sos_id])`` and ``state`` to ``step``; take the argmax of the
    returned log-probabilities as the next token; feed that token and the NEW state back in;
    repeat. Stop right after ``<eos>`` has been produced (it is part of the output) or when
    ``max_len`` tokens have been generated, whichever comes first.

    Returns the generated tokens: no ``<sos>``, ending with ``eos_id`` if it was produced,
    at most ``max_len`` of them. One call of ``step`` per generated token is all it takes.

    Example: if the model's most likely tokens are 7, then 5, then <eos> (id 3):
    ``greedy_decode(step, state, sos_id=2, eos_id=3, max_len=10) == [7, 5, 3]``, and with
    ``max_len=2`` the result is ``[7, 5]``.

    Pitfalls:
    * ``last_tokens`` is a 1-D tensor of shape [1] (a batch of one hypothesis), not a
      plain int and not shape [1, 1]; ``log_probs`` comes back as [1, V];
    * pass on the state each call returns: it holds what the model has read so far;
    * ``max_len < 1`` raises ValueError.
    """
    raise NotImplementedError


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
    """Beam search in which finished hypotheses leave the beam.

    The algorithm, exactly:

    1. Start from ONE live hypothesis: no tokens yet, logprob 0.0, last token ``<sos>``,
       the given ``state`` (K = 1). Nothing is finished.
    2. While fewer than ``beam_size`` hypotheses are finished and fewer than ``max_len``
       tokens have been generated:

       a. call ``step`` once with the last tokens [K] of the live hypotheses and their
          state; it returns log_probs [K, V];
       b. every one-token extension (hypothesis i, token y) of every live hypothesis is a
          candidate with logprob = logprob_i + log_probs[i, y]: K*V candidates;
       c. keep the best ``beam_size - len(finished)`` candidates of ALL K*V (not the best
          of each hypothesis separately); if there are fewer candidates than that, keep
          them all;
       d. a kept candidate whose token is ``eos_id`` is finished: it leaves the beam for
          good. The other kept candidates are the new live hypotheses, so the beam shrinks
          by one for every finished hypothesis;
       e. reorder the state so that row i belongs to the parent of the i-th new live
          hypothesis (``index_select(0, parents)`` on every tensor of the state, through
          nested tuples; None stays None).

    3. When the loop ends, the hypotheses still live (if any) join the finished ones,
       without ``<eos>``.
    4. Every hypothesis gets ``score = logprob / len(tokens) ** alpha``, where
       ``len(tokens)`` counts the generated tokens including ``<eos>``. ``alpha = 0``
       ranks by the raw logprob, ``alpha = 1`` by the average logprob per token.

    Returns all of them as ``Hypothesis`` objects, sorted by score, best (highest) first.
    With ``beam_size=1`` the single result has the same tokens as ``greedy_decode``.

    Hints:
    * the index of a candidate in the flattened K*V scores is ``parent * V + token``, so
      ``parent = index // V`` (integer division: ``/`` gives a float) and
      ``token = index % V``;
    * ``torch.topk`` returns the k largest values and their indices;
    * all candidates of one step have the same length, so comparing their logprobs is
      enough while searching; the length normalisation matters at the end, when finished
      hypotheses of different lengths are ranked;
    * build a NEW token list for each kept candidate: two candidates may share a parent.

    ``beam_size < 1`` or ``max_len < 1`` raises ValueError.
    """
    raise NotImplementedError
