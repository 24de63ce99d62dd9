"""A5: The Transformer (Vaswani et al. 2017), built from its parts.

Conventions (see the course API):
- Tensors are batch-first: [B, L, D].
- Boolean masks follow ``torch.nn.functional.scaled_dot_product_attention``: True = this
  key may be attended to; False = masked out.  (``nn.MultiheadAttention`` means the opposite.)
- A query row whose keys are all masked gets all-zero weights and a zero output, never NaN.
- Layers are post-LN, like ``nn.TransformerEncoderLayer(norm_first=False)``.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d)) v over the last two dims.

    q [..., Lq, d], k [..., Lk, d], v [..., Lk, dv], mask bool broadcastable to [..., Lq, Lk].
    Returns (output [..., Lq, dv], weights [..., Lq, Lk]).
    """
    d = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)              # [..., Lq, Lk]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    # A row of only -inf would give NaN: give it zeros instead.
    row_has_key = torch.isfinite(scores).any(dim=-1, keepdim=True)  # [..., Lq, 1]
    scores = scores.masked_fill(~row_has_key, 0.0)
    weights = torch.softmax(scores, dim=-1)                       # softmax over the keys
    weights = weights.masked_fill(~row_has_key, 0.0)
    return weights @ v, weights                                   # [..., Lq, dv], [..., Lq, Lk]


def causal_mask(length):
    """[L, L] bool, True on and below the diagonal: position i may see positions 0..i."""
    return torch.tril(torch.ones(length, length, dtype=torch.bool))


def padding_mask(ids, pad_id=0):
    """ids [B, S] -> [B, 1, 1, S] bool, True on real tokens (broadcasts over heads and queries)."""
    return (ids != pad_id)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """h heads of size d_k = d_model / h, each attending in its own projected subspace."""

    def __init__(self, d_model, num_heads, dropout=0.0):
        super().__init__()
        if d_model % num_heads != 0:
            raise ValueError(f"d_model={d_model} must be divisible by num_heads={num_heads}")
        self.d_model, self.num_heads, self.d_k = d_model, num_heads, d_model // num_heads
        self.w_q = nn.Linear(d_model, d_model)
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x):
        # [B, L, D] -> [B, L, h, d_k] -> [B, h, L, d_k]
        b, length, _ = x.shape
        return x.view(b, length, self.num_heads, self.d_k).transpose(1, 2)

    def forward(self, query, key, value, mask=None):
        q = self._split(self.w_q(query))                          # [B, h, Lq, d_k]
        k = self._split(self.w_k(key))                            # [B, h, Lk, d_k]
        v = self._split(self.w_v(value))                          # [B, h, Lk, d_k]
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # [B, h, Lq, d_k], [B, h, Lq, Lk]
        out = self.dropout(out)
        b, _, lq, _ = out.shape
        out = out.transpose(1, 2).reshape(b, lq, self.d_model)    # concatenate the heads: [B, Lq, D]
        return self.w_o(out), weights


def sinusoidal_positional_encoding(max_len, d_model):
    """[max_len, d_model]: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same)."""
    if d_model % 2 != 0:
        raise ValueError(f"d_model={d_model} must be even")
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]             # [L, 1]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)[None, :]     # [1, D/2]
    angle = pos / torch.pow(10000.0, two_i / d_model)                     # [L, D/2]
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()


class LayerNorm(nn.Module):
    """Normalise the last dim to mean 0, (biased) variance 1, then scale and shift."""

    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        var = x.var(dim=-1, unbiased=False, keepdim=True)
        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias


class PositionwiseFeedForward(nn.Module):
    """linear2(dropout(relu(linear1(x)))), applied to each position separately."""

    def __init__(self, d_model, d_ff, dropout=0.0):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.linear2(self.dropout(torch.relu(self.linear1(x))))


class EncoderLayer(nn.Module):
    """Post-LN: x = norm1(x + self_attn(x)); x = norm2(x + ff(x))."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        x = self.norm1(x + self.dropout(self.self_attn(x, x, x, mask)[0]))
        return self.norm2(x + self.dropout(self.ff(x)))


class DecoderLayer(nn.Module):
    """Post-LN: masked self-attention, cross-attention over memory, feed-forward."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout)
        self.norm1 = LayerNorm(d_model)
        self.norm2 = LayerNorm(d_model)
        self.norm3 = LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        x = self.norm1(x + self.dropout(self.self_attn(x, x, x, tgt_mask)[0]))
        x = self.norm2(x + self.dropout(self.cross_attn(x, memory, memory, memory_mask)[0]))
        return self.norm3(x + self.dropout(self.ff(x)))


def noam_lr(step, d_model, warmup, factor=1.0):
    """factor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5): linear warm-up, then 1/sqrt(step)."""
    if step < 1:
        raise ValueError(f"step={step} must be >= 1")
    return factor * d_model ** -0.5 * min(step ** -0.5, step * warmup ** -1.5)
