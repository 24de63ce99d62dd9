"""Fixtures, oracles and case generators of the A5 (Transformer) graders.

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

One mistake is charged once, in its own concept:

- ``MultiHeadAttention`` is graded with the reference's ``scaled_dot_product_attention``
  (``toolkit.trusted``: it runs here, reached by callback);
- an ``EncoderLayer`` / ``DecoderLayer`` is graded with correct sublayers: the ``forward``
  of its ``self_attn``, ``cross_attn``, ``norm*`` and ``ff`` instances is set to a callback
  into the torch oracle's own sublayer (:func:`trusted_sublayers`), so only the layer's
  wiring (residuals, post-LN order, masks, memory) is graded there.

A class cannot be asked "what do you answer to this call?" as a function can, so the checks
of modules diagnose with a :class:`Shown` call that builds the module (``MultiHeadAttention
(8, 2)``) and a ``part`` that runs what was built, as the student's was run: the known
mistakes' modules are built and run here the same way and compared with the student's
answer.

The backward pass for the gradient checks runs in the child, in
``solutions/a5_transformer/support/grads.py`` (the same file is run here on the known
mistakes' modules).

Every random input comes from the secret-seeded ``rng`` fixture through a
``torch.Generator``.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from pathlib import Path

import pytest
import torch
import torch.nn as nn

from autograder.toolkit import Call, describe, expect_equal, fail, first_difference

SUPPORT_SOURCE = Path(__file__).resolve().parents[1] / "support" / "grads.py"
ATOL, RTOL = 1e-5, 1e-4
MODULE = "transformer"


@pytest.fixture
def tf(student):
    return student.module(MODULE)


@pytest.fixture
def a5():
    """This module: the helpers below, as a namespace (graders are imported with
    ``--import-mode=importlib``, so they cannot ``import conftest``)."""
    return sys.modules[__name__]


@pytest.fixture
def gen(rng):
    """A torch.Generator seeded from the secret-seeded rng."""
    return torch.Generator().manual_seed(rng.randrange(2**31))


# ---- calls and checks --------------------------------------------------------------------

class Shown(Call):
    """A call rendered by ``text`` (tensors by their shapes) instead of by its values.

    For a class, ``function`` is the class and ``args`` its constructor's arguments: the
    known mistakes build their own module from them, and the check's ``part`` runs it."""

    def __init__(self, text: str, function: str, *args, **kwargs):
        super().__init__(function, *args, **kwargs)
        self.text = text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def part(self, suffix: str) -> Shown:
        """The same call, shown with ``suffix`` (say ``[1] (the weights)``) for a check of
        one part of its answer."""
        shown = Shown(self.text + suffix, self.function, *self.args, **self.kwargs)
        shown.trusted = self.trusted
        return shown


def shape(t) -> str:
    return str(list(t.shape))


def same_tensor(rtol=RTOL, atol=ATOL, exact_zeros=False):
    """Equal shapes, values within tolerance (NaN equals NaN: a NaN answer can be a known
    mistake's) and, with ``exact_zeros``, exactly 0 where the second tensor is exactly 0
    (masked attention weights)."""

    def same(a, b):
        try:
            a, b = torch.as_tensor(a), torch.as_tensor(b)
            if tuple(a.shape) != tuple(b.shape) or a.dtype == torch.bool or b.dtype == torch.bool:
                return False
            a, b = a.double(), b.double()
            torch.testing.assert_close(a, b, rtol=rtol, atol=atol, equal_nan=True)
            return not exact_zeros or bool((a[b == 0] == 0).all())
        except Exception:
            return False

    return same


def same_mask(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype == torch.bool
            and b.dtype == torch.bool and tuple(a.shape) == tuple(b.shape) and bool(torch.equal(a, b)))


def show_mask(value) -> str:
    if isinstance(value, torch.Tensor) and value.dtype == torch.bool:
        return f"bool tensor of shape {shape(value)}: {value.int().tolist()}"
    return describe(value)


def expect_part(got, want, call, *, rule, mistakes, part=lambda answer: answer, notes=(), rtol=RTOL, atol=ATOL,
                exact_zeros=False):
    """``got`` (a part of the student's answer to ``call``: a tensor) is close to ``want``;
    a known mistake is recognised when ``part`` of its answer to ``call`` equals ``got``.
    The first differing element is named."""
    notes = list(notes)
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) and got.shape == want.shape \
            and got.is_floating_point():
        where = first_difference(got, want, rtol, atol)
        if where is None and exact_zeros:  # within tolerance, but a weight that must be exactly 0 is not
            bad = ((want == 0) & (got != 0)).nonzero()
            where = bad[0].tolist() if len(bad) else None
        if where is not None:
            index = tuple(where)
            notes.insert(0, f"the first difference is at index {list(index)}: {float(got[index]):.6g} "
                            f"instead of {float(want[index]):.6g}")
    expect_equal(got, want, call, rule=rule, mistakes=mistakes, normalize=part,
                 same=same_tensor(rtol, atol, exact_zeros), notes=notes)


def row_sums(weights, want):
    """A note on the first query (with an allowed key) whose weights do not sum to 1."""
    try:
        sums = weights.double().sum(dim=-1)
        has_key = want.double().sum(dim=-1) > 0.5
        bad = (has_key & ~torch.isclose(sums, torch.ones_like(sums), rtol=RTOL, atol=ATOL)).nonzero()
    except Exception:
        return []
    if not len(bad):
        return []
    index = tuple(bad[0].tolist())
    return [f"the weights of query {list(index)} sum to {float(sums[index]):.6g} over the keys (the last axis)"]


def pair(value, call, names=("output", "weights")):
    """The (output, weights) tuple a function returns, or a failure saying what came back."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    raise fail(f"the function returns a tuple ({names[0]}, {names[1]})", call, describe(value),
               f"a tuple ({names[0]}, {names[1]})")


def load_weights(module, weights, call):
    """``module.load_state_dict(weights)``, or a failure naming the contract's parameters."""
    try:
        module.load_state_dict(weights)
    except (RuntimeError, KeyError, AttributeError, TypeError) as exc:
        names = ", ".join(f"{k} {list(v.shape)}" for k, v in weights.items())
        raise fail("the module has exactly the contract's parameters, with these names and shapes: " + names,
                   f"{call}.load_state_dict(...)", f"an error: {str(exc)[:400]}", "the weights loaded") from None


@contextlib.contextmanager
def trusted_globals(module_obj, reference, names):
    """For a known mistake's module built here: the functions ``names`` of its file are the
    reference's while the block runs (as ``toolkit.trusted`` made them for the student)."""
    namespace = type(module_obj).forward.__globals__
    saved = {name: namespace[name] for name in names if name in namespace}
    try:
        for name in names:
            namespace[name] = getattr(reference, name)
        yield
    finally:
        namespace.update(saved)


def run_built(weights, inputs, *, trusted=(), reference=None, sublayers=None, take=lambda out: out):
    """The ``part`` of a module check: load ``weights`` into the module a known mistake
    built, put in the same trusted pieces as for the student, run it on ``inputs``."""

    def part(module_obj):
        module_obj.load_state_dict(weights)
        if sublayers is not None:
            sublayers(module_obj)
        context = trusted_globals(module_obj, reference, trusted) if trusted else contextlib.nullcontext()
        with torch.no_grad(), context:
            return take(module_obj(*inputs))

    return part


# ---- inputs ----------------------------------------------------------------------------------

def randn(gen, *dims, scale=1.0):
    return torch.randn(*dims, generator=gen) * scale


def lengths_mask(lengths, width):
    """[B, width] bool, True on the first lengths[b] positions (right padding)."""
    return torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]


def random_lengths(rng, batch, width):
    """Lengths in 1..width, not all equal, at least one full row."""
    lengths = [rng.randint(1, width) for _ in range(batch)]
    lengths[rng.randrange(batch)] = width
    if len(set(lengths)) == 1:
        lengths[0] = max(1, width - 1 - rng.randrange(max(1, width - 1)))
    return lengths


def causal(length):
    return torch.tril(torch.ones(length, length, dtype=torch.bool))


# ---- weights: torch modules -> the contract's names ---------------------------------------

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


def layer_state(torch_layer):
    """nn.TransformerEncoderLayer / DecoderLayer parameters under the contract's names."""
    state = mha_state(torch_layer.self_attn, "self_attn.")
    if hasattr(torch_layer, "multihead_attn"):
        state.update(mha_state(torch_layer.multihead_attn, "cross_attn."))
    for ours, theirs in (("ff.linear1", "linear1"), ("ff.linear2", "linear2"),
                         ("norm1", "norm1"), ("norm2", "norm2"), ("norm3", "norm3")):
        module = getattr(torch_layer, theirs, None)
        if module is not None:
            state[f"{ours}.weight"] = module.weight.detach().clone()
            state[f"{ours}.bias"] = module.bias.detach().clone()
    return state


def randomize(module, gen, scale=0.5):
    """Random weights everywhere (LayerNorm too, so a swapped weight/bias shows)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * scale)
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.add_(1.0)
    return module


# ---- correct sublayers for the layer checks -----------------------------------------------

def contract_attention(torch_mha):
    """``nn.MultiheadAttention`` called as the contract's ``MultiHeadAttention.forward``:
    (query, key, value, mask=None) with True = may attend -> (out, weights [B, h, Lq, Lk])."""

    def forward(query, key, value, mask=None):
        attn_mask = None
        if mask is not None:
            b, lq, lk, h = query.shape[0], query.shape[1], key.shape[1], torch_mha.num_heads
            allowed = torch.as_tensor(mask, dtype=torch.bool).expand(b, h, lq, lk)
            attn_mask = ~allowed.reshape(b * h, lq, lk)
        with torch.no_grad():
            return torch_mha(query, key, value, attn_mask=attn_mask, need_weights=True, average_attn_weights=False)

    return forward


def plain(function):
    def forward(x):
        with torch.no_grad():
            return function(x)

    return forward


def trusted_sublayers(torch_layer):
    """A function that sets the sublayers' ``forward`` of a contract layer (the student's
    handle, or a known mistake's module here) to the torch oracle's own sublayers."""
    pieces = {"self_attn": contract_attention(torch_layer.self_attn),
              "ff": plain(lambda x: torch_layer.linear2(torch.relu(torch_layer.linear1(x)))),
              "norm1": plain(torch_layer.norm1), "norm2": plain(torch_layer.norm2)}
    if hasattr(torch_layer, "multihead_attn"):
        pieces["cross_attn"] = contract_attention(torch_layer.multihead_attn)
        pieces["norm3"] = plain(torch_layer.norm3)

    def install(layer):
        for name, forward in pieces.items():
            getattr(layer, name).forward = forward

    return install


RANDOM_WEIGHTS = ("the module was given random weights with load_state_dict, the same as the {oracle} that "
                  "computed the expected values")
SUBLAYER_NOTE = ("This check ran with correct sublayers in place of yours (torch's own attention, LayerNorm and "
                 "feed-forward, with the same weights): only how the layer connects them is graded here.")


# ---- gradients ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _support_source() -> str:
    return SUPPORT_SOURCE.read_text(encoding="utf-8")


def grads_in_child(student):
    return student.support_module("a5_grads", _support_source())


@functools.lru_cache(maxsize=1)
def grads_here():
    """The same support module, run here on the known mistakes' modules."""
    module = types.ModuleType("a5_grads")
    exec(compile(_support_source(), str(SUPPORT_SOURCE), "exec"), module.__dict__)
    return module
