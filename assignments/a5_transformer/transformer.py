"""A5: The Transformer.

Build the pieces of the Transformer of Vaswani et al. (2017), "Attention Is All You Need":
scaled dot-product attention, masks, multi-head attention, the sinusoidal positional
encoding, LayerNorm, the position-wise feed-forward network, the encoder and decoder
layers, and the Noam learning-rate schedule. Read README.md first.

Conventions (the course API):
- Tensors are batch-first: a batch of sequences is [B, L, D].
- Boolean masks follow ``torch.nn.functional.scaled_dot_product_attention``: True = this
  key may be attended to (a real token / an allowed position); False = masked out.
  Careful: ``nn.MultiheadAttention``'s ``key_padding_mask`` and boolean ``attn_mask`` mean
  the opposite, and the Annotated Transformer masks where ``mask == 0``.
- No function modifies its arguments.
- Bad arguments raise ``ValueError`` with a message naming the argument (three cases below).

You may use ``torch`` and ``torch.nn`` building blocks (``nn.Linear``, ``nn.Dropout``,
``torch.softmax``, ...), but NOT ``F.scaled_dot_product_attention``,
``nn.MultiheadAttention``, ``nn.LayerNorm`` or ``nn.Transformer*``: the graders use those as
the answer key, with your parameters copied into them.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn


def scaled_dot_product_attention(q, k, v, mask=None):
    """Attention(Q, K, V) = softmax(Q K^T / sqrt(d)) V, over the last two dims.

    Args:
        q: [..., Lq, d] queries.
        k: [..., Lk, d] keys.
        v: [..., Lk, dv] values.
        mask: optional bool tensor broadcastable to [..., Lq, Lk]; True = may attend.

    Returns:
        (output [..., Lq, dv], weights [..., Lq, Lk]).

    - d is the last dim of q; divide the scores by sqrt(d).
    - The softmax runs over the keys (the last axis): each query's weights sum to 1.
    - Masked weights are exactly 0 (fill the scores with -inf BEFORE the softmax).
    - A query row with no allowed key gets all-zero weights and a zero output (this is what
      torch 2.x's ``F.scaled_dot_product_attention`` does), never NaN.
    """
    raise NotImplementedError


def causal_mask(length):
    """[length, length] bool, True on and below the diagonal: position i may see 0..i."""
    raise NotImplementedError


def padding_mask(ids, pad_id=0):
    """ids [B, S] -> bool [B, 1, 1, S], True on real tokens (ids != pad_id).

    The two singleton dims let the mask broadcast over heads and queries: [B, h, Lq, S].
    """
    raise NotImplementedError


class MultiHeadAttention(nn.Module):
    """Multi-head attention: h heads of size d_k = d_model / h.

    ``__init__(d_model, num_heads, dropout=0.0)`` creates exactly four ``nn.Linear(d_model,
    d_model)`` layers (with bias) named ``w_q``, ``w_k``, ``w_v`` and ``w_o`` (plus an optional
    ``nn.Dropout``; no other parameters). Raise ValueError if d_model is not divisible by
    num_heads.

    ``forward(query [B, Lq, D], key [B, Lk, D], value [B, Lk, D], mask=None)``:
        1. project: w_q(query), w_k(key), w_v(value)                 -> [B, L, D]
        2. split the heads: [B, L, D] -> [B, L, h, d_k] -> [B, h, L, d_k]
        3. scaled_dot_product_attention per head (mask broadcastable to [B, h, Lq, Lk])
        4. concatenate the heads back: [B, h, Lq, d_k] -> [B, Lq, D], then w_o
    Returns (out [B, Lq, D], weights [B, h, Lq, Lk]).
    With the same weights it equals ``nn.MultiheadAttention(d_model, num_heads,
    batch_first=True)`` (its ``in_proj_weight`` stacks w_q, w_k, w_v).
    """

    def __init__(self, d_model, num_heads, dropout=0.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, query, key, value, mask=None):
        raise NotImplementedError


def sinusoidal_positional_encoding(max_len, d_model):
    """[max_len, d_model] float32 table:

        PE[pos, 2i]   = sin(pos / 10000^(2i / d_model))
        PE[pos, 2i+1] = cos(pos / 10000^(2i / d_model))

    Raise ValueError if d_model is odd. Example, d_model=4: position 0 is [0, 1, 0, 1].
    """
    raise NotImplementedError


class LayerNorm(nn.Module):
    """Layer normalisation over the last dim, equal to ``nn.LayerNorm(d, eps)``.

    Parameters ``weight`` (initialised to ones) and ``bias`` (zeros), both of shape [d].
    y = weight * (x - mean) / sqrt(var + eps) + bias, with the BIASED variance (divide by d)
    and eps inside the square root.
    """

    def __init__(self, d, eps=1e-5):
        super().__init__()
        raise NotImplementedError

    def forward(self, x):
        raise NotImplementedError


class PositionwiseFeedForward(nn.Module):
    """FFN(x) = linear2(dropout(relu(linear1(x)))), applied at every position.

    ``linear1 = nn.Linear(d_model, d_ff)``, ``linear2 = nn.Linear(d_ff, d_model)``.
    x [B, L, d_model] -> [B, L, d_model].
    """

    def __init__(self, d_model, d_ff, dropout=0.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, x):
        raise NotImplementedError


class EncoderLayer(nn.Module):
    """One post-LN encoder layer (as in the paper and ``nn.TransformerEncoderLayer``).

    Submodules: ``self_attn`` (MultiHeadAttention), ``ff`` (PositionwiseFeedForward),
    ``norm1``, ``norm2`` (LayerNorm). ``forward(x [B, L, D], mask=None) -> [B, L, D]``:

        x = norm1(x + self_attn(x, x, x, mask)[0])
        x = norm2(x + ff(x))

    (apply dropout to each sublayer's output before the residual addition).
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, x, mask=None):
        raise NotImplementedError


class DecoderLayer(nn.Module):
    """One post-LN decoder layer (as ``nn.TransformerDecoderLayer``).

    Submodules: ``self_attn``, ``cross_attn`` (MultiHeadAttention), ``ff``, ``norm1``,
    ``norm2``, ``norm3``. ``forward(x [B, T, D], memory [B, S, D], tgt_mask=None,
    memory_mask=None) -> [B, T, D]``:

        x = norm1(x + self_attn(x, x, x, tgt_mask)[0])                  # masked self-attention
        x = norm2(x + cross_attn(x, memory, memory, memory_mask)[0])    # attend to the encoder
        x = norm3(x + ff(x))

    tgt_mask is typically ``causal_mask(T)`` (possibly combined with a target padding mask);
    memory_mask is typically ``padding_mask(src)``.
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, x, memory, tgt_mask=None, memory_mask=None):
        raise NotImplementedError


def noam_lr(step, d_model, warmup, factor=1.0):
    """The learning rate of the paper's schedule at ``step`` (counting from 1):

        factor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5)

    It grows linearly for ``warmup`` steps, peaks at step == warmup, then decays as
    1/sqrt(step). Raise ValueError if step < 1.
    """
    raise NotImplementedError
