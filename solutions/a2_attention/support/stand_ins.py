"""A2 grading support: correct attention pieces that stand in for the student's own.

The model's checks (``AttnSeq2Seq``: interface, padding, gradients, training) grade the
model, not the scores, ``attend`` or ``unroll_decoder``, which have their own concepts. So
while a model is built and checked, the graders set the student's module-level
``dot_score``, ``GeneralScore``, ``ConcatScore``, ``attend`` and ``unroll_decoder`` to the
versions below: a mistake in ``attend`` then costs the ``attend`` concept once, and not the
model's concepts as well. The model needs autograd and its parameters, so these run in the
student process, next to the model (a callback into the grading process would hand back
tensors without a graph). They are plain torch written for the graders (not the model
answer), and students may read them: they decide nothing. The graders run the same file in
the grading process too, to ask each known mistake what its model answers.

``uniform``: while True, ``attend`` spreads the weight evenly over the real positions,
whatever the scores; the graders use it to see whether a model's predictions depend on
its attention at all. ``attend_calls`` counts the calls of ``attend``.

``reinit(model, seed)`` gives every parameter values drawn from ``seed``, so that a model
checked here and the same model built in the grading process hold the same weights.
"""

from __future__ import annotations

import torch
from torch import nn

uniform = False
attend_calls = 0


def dot_score(query, keys):
    """h_t . h_s for every source position: [B, H], [B, S, H] -> [B, S]."""
    return torch.einsum("bh,bsh->bs", query, keys)


class GeneralScore(nn.Module):
    """h_t^T W h_s with W = nn.Linear(key_dim, query_dim, bias=False)."""

    def __init__(self, query_dim, key_dim):
        super().__init__()
        self.W = nn.Linear(key_dim, query_dim, bias=False)

    def forward(self, query, keys):
        return torch.einsum("bq,bsq->bs", query, self.W(keys))


class ConcatScore(nn.Module):
    """v^T tanh(W [h_t; h_s]), the query first."""

    def __init__(self, query_dim, key_dim, attn_dim):
        super().__init__()
        self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query, keys):
        queries = query[:, None, :].expand(-1, keys.shape[1], -1)
        return self.v(torch.tanh(self.W(torch.cat((queries, keys), dim=-1))))[..., 0]


def attend(scores, values, mask=None):
    """Softmax over the allowed source positions; (context [B, Hv], weights [B, S])."""
    global attend_calls
    attend_calls += 1
    if uniform:
        scores = torch.zeros_like(scores)
    if mask is not None:
        mask = mask.bool()
        if not bool(mask.any(dim=-1).all()):
            raise ValueError("mask: a row has no True position")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return torch.einsum("bs,bsh->bh", weights, values), weights


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    """T-1 steps; before step t >= 1 one draw decides tgt[:, t] or the previous argmax."""
    outputs = []
    inputs = tgt[:, 0]
    for t in range(tgt.shape[1] - 1):
        if t > 0:
            forced = torch.rand((), generator=generator).item() < teacher_forcing_ratio
            inputs = tgt[:, t] if forced else outputs[-1].argmax(dim=-1)
        logits, state = step(inputs, state)
        outputs.append(logits)
    return torch.stack(outputs, dim=1)


STAND_INS = ("dot_score", "GeneralScore", "ConcatScore", "attend", "unroll_decoder")


def reinit(model, seed):
    """Every parameter (in named order) drawn from N(0, 0.3^2) with a generator seeded ``seed``."""
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for _, parameter in model.named_parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.3)
    return model
