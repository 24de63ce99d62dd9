"""A2 (attention): an independent correct solution in another style than the reference.

Differences from the reference, all within the contract:

* scores by broadcasting and matrix products (``concat`` splits W into its query and key
  blocks instead of building the concatenation);
* ``attend`` normalises by hand (shift by the row maximum over the allowed positions, exp,
  divide by the row sum) and validates with a row count;
* ``unroll_decoder`` draws all its coin flips up front, one per step t = 1 .. T-2, with a
  single ``torch.rand(T - 2, generator=generator)``;
* the encoder does not pack: the GRU runs over the padding, and the decoder starts from
  the encoder output at each sentence's last real token (gathered), which for a
  unidirectional GRU is the same as the packed final state;
* the decoder state is a NESTED tuple ``((outputs, mask), hidden)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3


def dot_score(query: Tensor, keys: Tensor) -> Tensor:
    return (keys * query[:, None, :]).sum(dim=-1)


class GeneralScore(nn.Module):
    def __init__(self, query_dim: int, key_dim: int):
        super().__init__()
        self.W = nn.Linear(key_dim, query_dim, bias=False)

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        return (self.W(keys) @ query[:, :, None])[:, :, 0]


class ConcatScore(nn.Module):
    def __init__(self, query_dim: int, key_dim: int, attn_dim: int):
        super().__init__()
        self.query_dim = query_dim
        self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        w_query = self.W.weight[:, :self.query_dim]  # [A, Q]: the columns that read h_t
        w_key = self.W.weight[:, self.query_dim:]  # [A, K]: the columns that read h_s
        hidden = torch.tanh((query @ w_query.T)[:, None, :] + keys @ w_key.T)  # [B, S, A]
        return (hidden @ self.v.weight.T)[..., 0]


def attend(scores: Tensor, values: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
    if mask is None:
        mask = torch.ones_like(scores, dtype=torch.bool)
    elif int((mask.sum(dim=1) == 0).sum()) > 0:
        raise ValueError("mask has a row without any True: nothing to attend to")
    shifted = scores.masked_fill(~mask, float("-inf"))
    shifted = shifted - shifted.max(dim=1, keepdim=True).values
    exps = shifted.exp()  # exactly 0 where masked
    weights = exps / exps.sum(dim=1, keepdim=True)
    context = (weights[:, :, None] * values).sum(dim=1)
    return context, weights


def unroll_decoder(step, state, tgt: Tensor, teacher_forcing_ratio: float, generator=None) -> Tensor:
    length = tgt.shape[1]
    coins = torch.rand(max(length - 2, 0), generator=generator)
    outputs: list[Tensor] = []
    token = tgt[:, 0]
    t = 0
    while t < length - 1:
        logits, state = step(token, state)
        outputs.append(logits)
        t += 1
        if t < length - 1:
            token = tgt[:, t] if coins[t - 1].item() < teacher_forcing_ratio else logits.argmax(dim=-1)
    return torch.stack(outputs, dim=1)


class AttnSeq2Seq(nn.Module):
    def __init__(self, src_vocab: int, tgt_vocab: int, emb_dim: int, hidden_dim: int, score: str = "general"):
        super().__init__()
        scorers = {
            "dot": lambda: dot_score,
            "general": lambda: GeneralScore(hidden_dim, hidden_dim),
            "concat": lambda: ConcatScore(hidden_dim, hidden_dim, hidden_dim),
        }
        if score not in scorers:
            raise ValueError(f"unknown score {score!r}")
        self.source_embedding = nn.Embedding(src_vocab, emb_dim, padding_idx=PAD_ID)
        self.target_embedding = nn.Embedding(tgt_vocab, emb_dim, padding_idx=PAD_ID)
        self.encoder = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.cell = nn.GRUCell(emb_dim, hidden_dim)
        self.scorer = scorers[score]()
        self.attentional = nn.Linear(2 * hidden_dim, hidden_dim)
        self.projection = nn.Linear(hidden_dim, tgt_vocab)
        self.last_attention: Tensor | None = None

    def encode(self, src: Tensor, src_mask: Tensor):
        outputs, _ = self.encoder(self.source_embedding(src))  # [B, S, H], padding included
        last = src_mask.long().sum(dim=1) - 1  # [B]: the last real position of each row
        hidden = outputs[torch.arange(src.shape[0]), last]  # [B, H]
        return (outputs, src_mask), hidden

    def _logits(self, input_ids: Tensor, state):
        (outputs, src_mask), hidden = state
        hidden = self.cell(self.target_embedding(input_ids), hidden)
        context, weights = attend(self.scorer(hidden, outputs), outputs, src_mask)
        self.last_attention = weights.detach()
        logits = self.projection(torch.tanh(self.attentional(torch.cat((context, hidden), dim=-1))))
        return logits, ((outputs, src_mask), hidden)

    def decode_step(self, input_ids: Tensor, state):
        logits, state = self._logits(input_ids, state)
        return F.log_softmax(logits, dim=-1), state

    def forward(self, src: Tensor, src_mask: Tensor, tgt: Tensor, teacher_forcing_ratio: float = 1.0) -> Tensor:
        return unroll_decoder(self._logits, self.encode(src, src_mask), tgt, teacher_forcing_ratio)
