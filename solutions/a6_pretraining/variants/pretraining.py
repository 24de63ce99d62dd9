"""A6, an independent correct solution in another style than the reference.

* ``mask_tokens`` draws one uniform number per position for the selection and one for the
  80/10/10 split (thresholds 0.8 and 0.9) and builds its outputs with ``torch.where``;
* ``build_pair_input`` computes the truncated lengths in closed form instead of popping;
* ``make_nsp_examples`` draws a NotNext sentence uniformly from the pooled sentences of all
  other documents (the contract leaves the choice free);
* ``causal_lm_loss`` gathers log-probabilities and averages them over a mask by hand.
"""

from __future__ import annotations

import random
from itertools import pairwise

import torch
from torch import Tensor

CLS, SEP = "[CLS]", "[SEP]"
IGNORE_INDEX = -100


def mask_tokens(input_ids: Tensor, special_tokens_mask: Tensor, *, mask_token_id: int, vocab_size: int,
                mlm_probability: float = 0.15, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    coin = torch.rand(input_ids.shape, generator=generator)
    chosen = (coin < mlm_probability) & ~special_tokens_mask.bool()
    split = torch.rand(input_ids.shape, generator=generator)
    noise = torch.randint(0, vocab_size, input_ids.shape, generator=generator, dtype=input_ids.dtype)
    corrupted = torch.where(chosen & (split < 0.8), torch.full_like(input_ids, mask_token_id), input_ids)
    corrupted = torch.where(chosen & (split >= 0.8) & (split < 0.9), noise, corrupted)
    labels = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    return corrupted, labels


def build_pair_input(tokens_a: list[str], tokens_b: list[str], max_len: int) -> tuple[list[str], list[int]]:
    if max_len < 3:
        raise ValueError(f"max_len must be at least 3, got {max_len}")
    room = max_len - 3
    keep_a, keep_b = len(tokens_a), len(tokens_b)
    if keep_a + keep_b > room:
        share_a, share_b = room // 2, room - room // 2     # the end state of alternating drops (a first)
        if keep_a <= share_a:
            keep_b = room - keep_a
        elif keep_b <= share_b:
            keep_a = room - keep_b
        else:
            keep_a, keep_b = share_a, share_b
    a, b = tokens_a[:keep_a], tokens_b[:keep_b]
    return [CLS, *a, SEP, *b, SEP], [0] * (keep_a + 2) + [1] * (keep_b + 1)


def make_nsp_examples(documents: list[list[list[str]]], rng: random.Random) -> list[tuple[list[str], list[str], int]]:
    owners = [d for d, doc in enumerate(documents) for _ in doc]        # the document of each pooled sentence
    pool = [sentence for doc in documents for sentence in doc]
    if any(len(doc) > 1 and all(o == d for o in owners) for d, doc in enumerate(documents)):
        raise ValueError("documents: a document has sentence pairs but no other document has a sentence")
    examples = []
    for d, doc in enumerate(documents):
        elsewhere = [k for k, owner in enumerate(owners) if owner != d]
        for first, second in pairwise(doc):
            if rng.random() >= 0.5:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(first), list(pool[rng.choice(elsewhere)]), 1))
    return examples


def causal_lm_loss(logits: Tensor, input_ids: Tensor, pad_id: int = 0) -> Tensor:
    log_probs = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    targets = input_ids[:, 1:]
    picked = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    real = (targets != pad_id).to(picked.dtype)
    return -(picked * real).sum() / real.sum()
