"""A6: Pre-training data for BERT and GPT.

Complete every function below (each body is ``raise NotImplementedError``). Read
``README.md`` first: it explains masked language modelling, next sentence prediction and
the causal objective, with small worked examples.

Rules that hold everywhere:

* Do not modify the tensors or lists you are given (work on ``.clone()`` / ``list(...)``).
* Token ids and labels are ``torch.long``. Tensors are batch-first: ``[B, T]``.
* Raise ``ValueError`` (with a message naming the argument) when ``build_pair_input`` gets
  ``max_len < 3``, and when ``make_nsp_examples`` gets a document with a sentence pair but
  no OTHER non-empty document to draw a random sentence from (raise it whatever the coin
  flips would be). Other odd input is up to you; the tests do not look at it.
* Randomness comes only from the ``generator`` / ``rng`` argument you are given, so that
  the same seed gives the same result. Tests check the random parts statistically, over
  hundreds of thousands of tokens, so any correct way of drawing the numbers passes.
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import Tensor

CLS, SEP = "[CLS]", "[SEP]"
IGNORE_INDEX = -100   # labels with this value are skipped by F.cross_entropy


def mask_tokens(input_ids: Tensor, special_tokens_mask: Tensor, *, mask_token_id: int, vocab_size: int,
                mlm_probability: float = 0.15, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """BERT's masked-LM corruption of a batch ``input_ids`` ``[B, T]`` (long).

    ``special_tokens_mask`` ``[B, T]`` (bool) is True at [CLS], [SEP] and padding.

    * Select each position whose special_tokens_mask is False independently with
      probability ``mlm_probability``; special positions are never selected.
    * ``labels`` ``[B, T]``: the ORIGINAL id at selected positions, ``-100`` elsewhere.
    * Of the selected positions: 80% become ``mask_token_id``, 10% a token id drawn
      uniformly from ``[0, vocab_size)`` (it may happen to be the original or a special
      id), 10% keep their token. Unselected positions keep their token.
    * Draw every random number from ``generator`` (pass ``generator=generator`` to
      ``torch.bernoulli``, ``torch.rand``, ``torch.randint``); None means torch's global RNG.

    Returns ``(corrupted_input_ids, labels)``, both ``[B, T]`` long; ``input_ids`` itself
    is left unchanged.

    Example (one draw): input_ids [[CLS, 7, 8, 9, SEP]] might give
    corrupted [[CLS, MASK, 8, 9, SEP]] and labels [[-100, 7, -100, -100, -100]].
    """
    raise NotImplementedError


def build_pair_input(tokens_a: list[str], tokens_b: list[str], max_len: int) -> tuple[list[str], list[int]]:
    """``[CLS] a [SEP] b [SEP]`` and its segment ids, at most ``max_len`` tokens long.

    Segment ids: 0 for [CLS], the tokens of a and the first [SEP]; 1 for the tokens of b
    and the final [SEP]. While ``len(a) + len(b) + 3 > max_len``, drop the LAST token of
    the longer of a and b (of a when they are equally long). ``max_len < 3`` raises
    ValueError.

    >>> build_pair_input(["my", "dog"], ["is", "cute"], 7)      # fits: nothing dropped
    (['[CLS]', 'my', 'dog', '[SEP]', 'is', 'cute', '[SEP]'], [0, 0, 0, 0, 1, 1, 1])
    >>> build_pair_input(["my", "dog"], ["is", "cute"], 6)      # a tie: "dog" goes
    (['[CLS]', 'my', '[SEP]', 'is', 'cute', '[SEP]'], [0, 0, 0, 1, 1, 1])
    """
    raise NotImplementedError


def make_nsp_examples(documents: list[list[list[str]]], rng: random.Random) -> list[tuple[list[str], list[str], int]]:
    """Next-sentence-prediction examples ``(sentence_a, sentence_b, label)``.

    ``documents[d][i]`` is sentence i (a list of tokens) of document d. For each document
    in order, and each consecutive pair (sentence i, sentence i+1) in order, make one
    example with A = sentence i and:

    * with probability 0.5, B = sentence i+1 and label 0 ("IsNext");
    * otherwise B = a random sentence of a DIFFERENT document and label 1 ("NotNext").

    How the other document and the sentence are picked is up to you; use ``rng`` for every
    random choice (``rng.random()``, ``rng.choice(...)``).
    """
    raise NotImplementedError


def causal_lm_loss(logits: Tensor, input_ids: Tensor, pad_id: int = 0) -> Tensor:
    """GPT's objective: the mean cross-entropy of predicting token t+1 from position t.

    ``logits`` ``[B, T, V]`` are the model's outputs for ``input_ids`` ``[B, T]``. Targets
    equal to ``pad_id`` are ignored; the mean is over all remaining targets of the batch.
    Returns a scalar tensor.
    """
    raise NotImplementedError
