"""Fixtures and helpers shared by the A5 (Transformer) graders.

The graders run in the trusted process and never import student code: ``student.module(
"transformer")`` is a proxy whose calls run in the sandboxed child. Tensors cross as data
(copies, detached); a student's ``MultiHeadAttention`` / ``EncoderLayer`` stays in the child
and comes back as a handle: its methods can be called and its weights are set with
``obj.load_state_dict({...})``.

torch's own modules are the oracles, built HERE with the same weights:
``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``, ``nn.LayerNorm``,
``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer`` (post-LN, ReLU, dropout 0,
kept in train mode so that their inference fast path, which zeroes padded outputs, is off).
Beware of polarity: their boolean masks mean True = blocked; the course contract says
True = may attend. Masks here are asymmetric, so an inverted mask fails.

The backward pass for the gradient checks runs in the child, in
``solutions/a5_transformer/support/grads.py``.

Every random input comes from the secret-seeded ``rng`` fixture through a
``torch.Generator``. Only assert messages reach students (assertion rewriting is off).
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pytest
import torch
import torch.nn as nn

SUPPORT_SOURCE = Path(__file__).resolve().parents[1] / "support" / "grads.py"
ATOL, RTOL = 1e-5, 1e-4


@pytest.fixture
def tf(student):
    return student.module("transformer")


@pytest.fixture
def util():
    return Util


@pytest.fixture
def gen(rng):
    """A torch.Generator seeded from the secret-seeded rng."""
    return torch.Generator().manual_seed(rng.randrange(2**31))


@functools.lru_cache(maxsize=1)
def _support_source() -> str:
    return SUPPORT_SOURCE.read_text(encoding="utf-8")


def _rounded(value, digits):
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return round(value, digits)


class Util:
    """Namespace of grader helpers (a fixture, so it works under any pytest import mode)."""

    atol, rtol = ATOL, RTOL

    # ---- showing values --------------------------------------------------------------
    @staticmethod
    def show(value, digits=4, limit=300):
        if isinstance(value, torch.Tensor):
            if value.dtype == torch.bool:
                text = str(value.int().tolist())
            elif value.is_floating_point():
                text = str(_rounded(value.double().tolist(), digits))
            else:
                text = str(value.tolist())
        else:
            text = repr(value)
        return text if len(text) <= limit else text[:limit] + "..."

    @staticmethod
    def kind(value):
        if isinstance(value, torch.Tensor):
            return f"a tensor of shape {tuple(value.shape)} ({value.dtype})"
        return f"{type(value).__name__} {Util.show(value, limit=80)}"

    # ---- checking what came back ------------------------------------------------------
    @staticmethod
    def tensor(value, call, shape=None, floating=True):
        if type(value).__module__ == "numpy":
            value = torch.from_numpy(value)
        if not isinstance(value, torch.Tensor):
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a torch tensor"
                                 + (f" of shape {tuple(shape)}" if shape is not None else "")
                                 + " (did the function fall through without a return?)")
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise AssertionError(f"{call} returned a tensor of shape {tuple(value.shape)}; expected shape {tuple(shape)}")
        if floating:
            if not value.is_floating_point():
                raise AssertionError(f"{call} returned a tensor of dtype {value.dtype}; expected floating-point values")
            if torch.isnan(value).any():
                raise AssertionError(f"{call} returned NaN values: {Util.show(value)} (a softmax over a row "
                                     f"that is all -inf? a division by zero?)")
        return value

    @staticmethod
    def pair(value, call, names=("output", "weights")):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a tuple ({names[0]}, {names[1]})")
        return value[0], value[1]

    @staticmethod
    def number(value, call):
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AssertionError(f"{call} returned {Util.kind(value)}; expected a float")
        return float(value)

    @staticmethod
    def close(got, want, atol=ATOL, rtol=RTOL):
        return tuple(got.shape) == tuple(want.shape) and torch.allclose(got.double(), want.double(), atol=atol, rtol=rtol)

    @staticmethod
    def first_difference(got, want, atol=ATOL, rtol=RTOL):
        diff = ~torch.isclose(got.double(), want.double(), atol=atol, rtol=rtol)
        where = diff.nonzero()
        if not len(where):
            return ""
        index = tuple(int(i) for i in where[0])
        return f"at {list(index)}: {float(got[index]):.6g} instead of {float(want[index]):.6g}"

    @staticmethod
    def expect_close(got, want, call, why=""):
        got = Util.tensor(got, call, shape=want.shape)
        if not Util.close(got, want):
            raise AssertionError(f"{call} differs from the expected values {Util.first_difference(got, want)}"
                                 + (f" ({why})" if why else ""))

    # ---- inputs ------------------------------------------------------------------------
    @staticmethod
    def randn(gen, *shape, scale=1.0):
        return torch.randn(*shape, generator=gen) * scale

    @staticmethod
    def lengths_mask(lengths, width):
        """[B, width] bool, True on the first lengths[b] positions (right padding)."""
        return torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]

    @staticmethod
    def random_lengths(rng, batch, width):
        """Lengths in 1..width, not all equal, at least one full row."""
        lengths = [rng.randint(1, width) for _ in range(batch)]
        lengths[rng.randrange(batch)] = width
        if len(set(lengths)) == 1:
            lengths[0] = max(1, width - 1 - rng.randrange(max(1, width - 1)))
        return lengths

    # ---- weights: torch modules -> the contract's names -----------------------------------
    @staticmethod
    def mha_state(torch_mha, prefix=""):
        d = torch_mha.embed_dim
        w, b = torch_mha.in_proj_weight.detach(), torch_mha.in_proj_bias.detach()
        state = {}
        for i, name in enumerate(("w_q", "w_k", "w_v")):
            state[f"{prefix}{name}.weight"] = w[i * d:(i + 1) * d].clone()
            state[f"{prefix}{name}.bias"] = b[i * d:(i + 1) * d].clone()
        state[f"{prefix}w_o.weight"] = torch_mha.out_proj.weight.detach().clone()
        state[f"{prefix}w_o.bias"] = torch_mha.out_proj.bias.detach().clone()
        return state

    @staticmethod
    def layer_state(torch_layer):
        """nn.TransformerEncoderLayer / DecoderLayer parameters under the contract's names."""
        state = Util.mha_state(torch_layer.self_attn, "self_attn.")
        if hasattr(torch_layer, "multihead_attn"):
            state.update(Util.mha_state(torch_layer.multihead_attn, "cross_attn."))
        for ours, theirs in (("ff.linear1", "linear1"), ("ff.linear2", "linear2"),
                             ("norm1", "norm1"), ("norm2", "norm2"), ("norm3", "norm3")):
            module = getattr(torch_layer, theirs, None)
            if module is not None:
                state[f"{ours}.weight"] = module.weight.detach().clone()
                state[f"{ours}.bias"] = module.bias.detach().clone()
        return state

    @staticmethod
    def randomize(module, gen, scale=0.5):
        """Random weights everywhere (LayerNorm too, so a swapped weight/bias shows)."""
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(torch.randn(p.shape, generator=gen) * scale)
            for name, m in module.named_modules():
                if isinstance(m, nn.LayerNorm):
                    m.weight.add_(1.0)
        return module

    @staticmethod
    def load_weights(module, weights, call):
        try:
            module.load_state_dict(weights)
        except (RuntimeError, KeyError) as exc:
            names = ", ".join(f"{k} {tuple(v.shape)}" for k, v in weights.items())
            raise AssertionError(
                f"{call}.load_state_dict({{{names}}}) failed: the contract's parameters (and only "
                f"those) must exist with these names and shapes. Details: {str(exc)[:600]}") from None

    # ---- the child's side ----------------------------------------------------------------
    @staticmethod
    def grads(student):
        return student.support_module("a5_grads", _support_source())
