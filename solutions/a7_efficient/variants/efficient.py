"""A7: an independent correct solution, written in another style than the reference.

Distillation is spelled out with log-softmax and explicit sums (no F.kl_div, no
F.cross_entropy); the ELECTRA labels come from torch.where; the SOP coin is
rng.getrandbits(1).
"""

from __future__ import annotations

import random

import torch
from torch import Tensor, nn

IGNORE_INDEX = -100


class FactorizedEmbedding(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.word = nn.Embedding(vocab_size, embed_dim)
        self.proj = nn.Linear(embed_dim, hidden_dim)

    def forward(self, input_ids: Tensor) -> Tensor:
        small = self.word(input_ids)          # [..., E]
        hidden = self.proj(small)             # [..., H]
        return hidden


class SharedLayerEncoder(nn.Module):
    def __init__(self, layer: nn.Module, num_layers: int):
        super().__init__()
        self.layer = layer
        self.num_layers = int(num_layers)

    def forward(self, x: Tensor, *args, **kwargs) -> Tensor:
        hidden = x
        remaining = self.num_layers
        while remaining > 0:
            hidden = self.layer(hidden, *args, **kwargs)
            remaining -= 1
        return hidden


def replaced_token_labels(original: Tensor, corrupted: Tensor, special_tokens_mask: Tensor) -> Tensor:
    one = torch.ones((), dtype=torch.long, device=original.device)
    zero = torch.zeros((), dtype=torch.long, device=original.device)
    ignore = torch.full((), IGNORE_INDEX, dtype=torch.long, device=original.device)
    replaced = torch.where(corrupted.eq(original), zero, one)
    return torch.where(special_tokens_mask.to(torch.bool), ignore, replaced)


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, labels: Tensor, temperature: float,
                      alpha: float) -> Tensor:
    classes = student_logits.size(-1)
    s_rows = student_logits.reshape(-1, classes)
    t_rows = teacher_logits.reshape(-1, classes)
    targets = labels.reshape(-1)
    rows = s_rows.size(0)

    # soft term: sum_v p (log p - log q), p the teacher's softened distribution
    log_p = torch.log_softmax(t_rows / temperature, dim=-1)
    log_q = torch.log_softmax(s_rows / temperature, dim=-1)
    p = log_p.exp()
    per_row = torch.where(p > 0, p * (log_p - log_q), torch.zeros_like(p)).sum(dim=-1)
    soft = per_row.sum() / rows

    # hard term: mean negative log-likelihood over the rows that are not ignored
    keep = targets.ne(IGNORE_INDEX)
    log_probs = torch.log_softmax(s_rows, dim=-1)
    picked = log_probs.gather(1, targets.clamp(min=0).unsqueeze(1)).squeeze(1)
    hard = -(picked * keep.to(picked.dtype)).sum() / keep.sum().clamp(min=1).to(picked.dtype)

    return alpha * (temperature * temperature) * soft + (1.0 - alpha) * hard


def make_sop_examples(documents: list[list[list[str]]],
                      rng: random.Random) -> list[tuple[list[str], list[str], int]]:
    examples: list[tuple[list[str], list[str], int]] = []
    for sentences in documents:
        for index in range(1, len(sentences)):
            before, after = sentences[index - 1], sentences[index]
            if rng.getrandbits(1):
                examples.append((after[:], before[:], 1))
            else:
                examples.append((before[:], after[:], 0))
    return examples
