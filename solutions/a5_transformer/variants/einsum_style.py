"""A5, written independently of the reference: einsum, an explicit masked softmax, a
fused head split with unflatten/permute, a shared residual helper and a loop-free table."""

import math

import torch
from torch import nn


def _masked_softmax(scores, allowed):
    """Softmax over the last axis of ``scores`` restricted to ``allowed`` (bool, same shape);
    a row with nothing allowed is all zeros."""
    shifted = scores.masked_fill(~allowed, float("-inf"))
    top = shifted.amax(dim=-1, keepdim=True)
    top = torch.where(torch.isfinite(top), top, torch.zeros_like(top))
    e = torch.exp(shifted - top) * allowed
    total = e.sum(dim=-1, keepdim=True)
    return e / torch.where(total > 0, total, torch.ones_like(total))


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = torch.einsum("...id,...jd->...ij", q, k) * q.shape[-1] ** -0.5
    allowed = torch.ones_like(scores, dtype=torch.bool) if mask is None else mask.expand_as(scores)
    weights = _masked_softmax(scores, allowed)
    return torch.einsum("...ij,...jd->...id", weights, v), weights


def causal_mask(length):
    idx = torch.arange(length)
    return idx[None, :] <= idx[:, None]


def padding_mask(ids, pad_id=0):
    return ids.ne(pad_id).unsqueeze(1).unsqueeze(2)


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads, dropout=0.0):
        super().__init__()
        if num_heads <= 0 or d_model % num_heads:
            raise ValueError(f"num_heads ({num_heads}) must divide d_model ({d_model})")
        self.h = num_heads
        for name in ("w_q", "w_k", "w_v", "w_o"):
            setattr(self, name, nn.Linear(d_model, d_model))
        self.drop = nn.Dropout(dropout)

    def forward(self, query, key, value, mask=None):
        heads = [lin(x).unflatten(-1, (self.h, -1)).permute(0, 2, 1, 3)
                 for lin, x in ((self.w_q, query), (self.w_k, key), (self.w_v, value))]
        out, weights = scaled_dot_product_attention(*heads, mask)
        merged = self.drop(out).permute(0, 2, 1, 3).flatten(-2)
        return self.w_o(merged), weights


def sinusoidal_positional_encoding(max_len, d_model):
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    inv_freq = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    angles = torch.outer(torch.arange(max_len, dtype=torch.float64), inv_freq)
    return torch.stack((angles.sin(), angles.cos()), dim=-1).reshape(max_len, d_model).to(torch.float32)


class LayerNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        centred = x - x.mean(-1, keepdim=True)
        return centred * torch.rsqrt(centred.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight + self.bias


class PositionwiseFeedForward(nn.Module):
    def __init__(self, d_model, d_ff, dropout=0.0):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.linear2(self.drop(nn.functional.relu(self.linear1(x))))


def _add_norm(norm, x, sublayer_out, drop):
    return norm(x + drop(sublayer_out))


class EncoderLayer(nn.Module):
    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout)
        self.norm1, self.norm2 = LayerNorm(d_model), LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        attended, _ = self.self_attn(x, x, x, mask=mask)
        x = _add_norm(self.norm1, x, attended, self.drop)
        return _add_norm(self.norm2, x, self.ff(x), self.drop)


class DecoderLayer(nn.Module):
    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout)
        self.ff = PositionwiseFeedForward(d_model, d_ff, dropout)
        self.norm1, self.norm2, self.norm3 = LayerNorm(d_model), LayerNorm(d_model), LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        x = _add_norm(self.norm1, x, self.self_attn(x, x, x, mask=tgt_mask)[0], self.drop)
        x = _add_norm(self.norm2, x, self.cross_attn(x, memory, memory, mask=memory_mask)[0], self.drop)
        return _add_norm(self.norm3, x, self.ff(x), self.drop)


def noam_lr(step, d_model, warmup, factor=1.0):
    if step < 1:
        raise ValueError(f"step must be >= 1, got {step}")
    warming = step < warmup
    return factor / math.sqrt(d_model) * (step / warmup ** 1.5 if warming else 1 / math.sqrt(step))
