"""A7: Efficient pre-training: ALBERT, ELECTRA and distillation (the model answer)."""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IGNORE_INDEX = -100


class FactorizedEmbedding(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.word = nn.Embedding(vocab_size, embed_dim)
        self.proj = nn.Linear(embed_dim, hidden_dim)

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.proj(self.word(input_ids))


class SharedLayerEncoder(nn.Module):
    def __init__(self, layer: nn.Module, num_layers: int):
        super().__init__()
        self.layer = layer
        self.num_layers = num_layers

    def forward(self, x: Tensor, *args, **kwargs) -> Tensor:
        for _ in range(self.num_layers):
            x = self.layer(x, *args, **kwargs)
        return x


def replaced_token_labels(original: Tensor, corrupted: Tensor, special_tokens_mask: Tensor) -> Tensor:
    labels = (original != corrupted).long()
    return labels.masked_fill(special_tokens_mask.bool(), IGNORE_INDEX)


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, labels: Tensor, temperature: float,
                      alpha: float) -> Tensor:
    vocab = student_logits.shape[-1]
    student = student_logits.reshape(-1, vocab)
    teacher = teacher_logits.reshape(-1, vocab)
    soft_student = F.log_softmax(student / temperature, dim=-1)
    soft_teacher = F.log_softmax(teacher / temperature, dim=-1)
    kl = F.kl_div(soft_student, soft_teacher, reduction="batchmean", log_target=True)
    hard = F.cross_entropy(student, labels.reshape(-1), ignore_index=IGNORE_INDEX)
    return alpha * temperature ** 2 * kl + (1 - alpha) * hard


def make_sop_examples(documents: list[list[list[str]]],
                      rng: random.Random) -> list[tuple[list[str], list[str], int]]:
    examples = []
    for document in documents:
        for first, second in zip(document, document[1:]):
            if rng.random() < 0.5:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(second), list(first), 1))
    return examples



def replaced_token_labels(original, corrupted, special_tokens_mask):
    labels = torch.where(corrupted == original, torch.zeros_like(original), torch.ones_like(original))
    return torch.where(special_tokens_mask, torch.full_like(labels, -100), labels)


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    V = student_logits.size(-1)
    s = student_logits.view(-1, V)
    t = teacher_logits.view(-1, V)
    p = torch.softmax(t / temperature, dim=-1)
    q = torch.softmax(s / temperature, dim=-1)
    kl = (p * (torch.log(p) - torch.log(q))).sum(dim=-1).mean()
    y = labels.view(-1)
    keep = y != -100
    logp = torch.log_softmax(s[keep], dim=-1)
    ce = -logp.gather(1, y[keep].unsqueeze(1)).mean()
    return alpha * temperature * temperature * kl + (1.0 - alpha) * ce
