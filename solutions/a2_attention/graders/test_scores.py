"""Graders: the three Luong scores, against hand-computed values and direct formulas.

``GeneralScore`` may be written with ``dot_score``: its checks run with a correct
``dot_score`` (a mistake there is charged to the dot score only).
"""

import math

import torch

from autograder.toolkit import Call, describe, expect_equal, expect_tensor_close, trusted

DOT_RULE = "score[b, s] = query[b] . keys[b, s], the plain dot product (no scaling), one score per source position"
GENERAL_RULE = ("score[b, s] = h_t^T W h_s: W maps each key into the query's space (self.W(keys)), then the "
                "dot product with the query")
CONCAT_RULE = "score[b, s] = v^T tanh(W [h_t; h_s]), the query first in the concatenation, then the key"


def _dot(att, mistakes, query, keys, want):
    call = Call("dot_score", query, keys)
    expect_tensor_close(call.run(att), want, call, rule=DOT_RULE, mistakes=mistakes)


# ---- dot -------------------------------------------------------------------------------

def test_dot_hand_computed(att, mistakes):
    """Dot score: h_t . h_s for every source position, on a batch worked out by hand"""
    query = torch.tensor([[1.0, 2.0], [0.0, 1.0]])                      # [B=2, H=2]
    keys = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                         [[2.0, 0.0], [0.0, 3.0], [-1.0, 1.0]]])        # [B=2, S=3, H=2]
    _dot(att, mistakes, query, keys, torch.tensor([[1.0, 2.0, 3.0], [0.0, 3.0, 1.0]]))


def test_dot_random_batches(att, mistakes, a2, rng):
    """Dot score: h_t . h_s on random batches of different sizes"""
    for batch, source_len, hidden in ((1, 1, 1), (2, 5, 3), (4, 7, 16)):
        query, keys = a2.randn(rng, batch, hidden), a2.randn(rng, batch, source_len, hidden)
        _dot(att, mistakes, query, keys, torch.einsum("bh,bsh->bs", query.double(), keys.double()).float())


# ---- general -----------------------------------------------------------------------------

def _general(att, mistakes, a2, weight, query, keys, want):
    """GeneralScore(query_dim, key_dim) with W.weight = weight, called on (query, keys)."""
    query_dim, key_dim = weight.shape
    call = a2.Use("GeneralScore", query_dim, key_dim,
                  then=f" with W.weight = {describe(weight)}, called on query = {describe(query)}, "
                       f"keys = {describe(keys)}",
                  use=lambda scorer, kit: a2.load_weights(scorer, {"W.weight": weight}, call)(query, keys))
    with trusted(att, mistakes, "dot_score"):
        got = call.run(att)
    a2.expect_tensor(got, want, call, rule=GENERAL_RULE, mistakes=mistakes,
                     normalize=call.answer_of(None, mistakes.reference("attention")))


def test_general_parameter(att, mistakes, a2):
    """General score: one parameter, W = nn.Linear(key_dim, query_dim, bias=False), weight [query_dim, key_dim]"""
    call = a2.Use("GeneralScore", 2, 3, then=": the shapes of its parameters (state_dict)",
                  use=lambda scorer, kit: {name: list(p.shape) for name, p in scorer.state_dict().items()})
    expect_equal(call.run(att), {"W.weight": [2, 3]}, call, mistakes=mistakes,
                 normalize=call.answer_of(None, mistakes.reference("attention")),
                 rule="GeneralScore(query_dim, key_dim) has exactly one parameter, self.W = nn.Linear(key_dim, "
                      "query_dim, bias=False), whose weight is [query_dim, key_dim]")


def test_general_key_side(att, mistakes, a2):
    """General score: W is applied to the key, not the query (a square W that is not symmetric)"""
    weight = torch.tensor([[1.0, 2.0], [0.0, 1.0]])
    query = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    keys = torch.tensor([[[0.0, 1.0], [1.0, 0.0]], [[0.0, 1.0], [2.0, 1.0]]])
    # W h_s: row 0's keys give [2, 1] and [1, 0]; row 1's give [2, 1] and [4, 1]
    _general(att, mistakes, a2, weight, query, keys, torch.tensor([[2.0, 1.0], [1.0, 1.0]]))


def test_general_hand_computed(att, mistakes, a2):
    """General score: h_t^T W h_s on the README's example (query_dim 2, key_dim 3)"""
    weight = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])          # [query_dim=2, key_dim=3]
    query = torch.tensor([[1.0, 2.0]])
    keys = torch.tensor([[[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]]])
    # W h_s = [3, 0] and [2, 1]; dotted with h_t = [1, 2]: 3 and 4
    _general(att, mistakes, a2, weight, query, keys, torch.tensor([[3.0, 4.0]]))


def test_general_identity_equals_dot(att, mistakes, a2, rng):
    """General score: with W = I it is the dot score h_t . h_s"""
    hidden = 6
    query, keys = a2.randn(rng, 3, hidden), a2.randn(rng, 3, 4, hidden)
    want = torch.einsum("bh,bsh->bs", query.double(), keys.double()).float()
    _general(att, mistakes, a2, torch.eye(hidden), query, keys, want)


def test_general_random_weights(att, mistakes, a2, rng):
    """General score: h_t^T W h_s with random W, square and non-square"""
    for query_dim, key_dim in ((4, 4), (3, 5), (6, 2)):
        weight = a2.randn(rng, query_dim, key_dim)
        query, keys = a2.randn(rng, 2, query_dim), a2.randn(rng, 2, 5, key_dim)
        want = torch.einsum("bq,qk,bsk->bs", query.double(), weight.double(), keys.double()).float()
        _general(att, mistakes, a2, weight, query, keys, want)


# ---- concat ------------------------------------------------------------------------------

def _concat(att, mistakes, a2, weight, v, query, keys, want):
    attn_dim, both = weight.shape
    query_dim = query.shape[1]
    call = a2.Use("ConcatScore", query_dim, both - query_dim, attn_dim,
                  then=f" with W.weight = {describe(weight)}, v.weight = {describe(v)}, called on "
                       f"query = {describe(query)}, keys = {describe(keys)}",
                  use=lambda scorer, kit: a2.load_weights(scorer, {"W.weight": weight, "v.weight": v}, call)(
                      query, keys))
    got = call.run(att)
    a2.expect_tensor(got, want, call, rule=CONCAT_RULE, mistakes=mistakes,
                     normalize=call.answer_of(None, mistakes.reference("attention")))


def concat_oracle(weight, v, query, keys):
    w, query_dim = weight.double(), query.shape[1]
    hidden = torch.tanh(torch.einsum("aq,bq->ba", w[:, :query_dim], query.double()).unsqueeze(1)
                        + torch.einsum("ak,bsk->bsa", w[:, query_dim:], keys.double()))
    return torch.einsum("bsa,a->bs", hidden, v.double()[0]).float()


def test_concat_parameters(att, mistakes, a2):
    """Concat score: W = nn.Linear(query_dim + key_dim, attn_dim), v = nn.Linear(attn_dim, 1), no biases"""
    call = a2.Use("ConcatScore", 2, 3, 4, then=": the shapes of its parameters (state_dict)",
                  use=lambda scorer, kit: {name: list(p.shape) for name, p in scorer.state_dict().items()})
    expect_equal(call.run(att), {"W.weight": [4, 5], "v.weight": [1, 4]}, call, mistakes=mistakes,
                 normalize=call.answer_of(None, mistakes.reference("attention")),
                 rule="ConcatScore(query_dim, key_dim, attn_dim) has exactly two parameters, self.W = "
                      "nn.Linear(query_dim + key_dim, attn_dim, bias=False) and self.v = nn.Linear(attn_dim, 1, "
                      "bias=False)")


def test_concat_hand_computed(att, mistakes, a2):
    """Concat score: v^T tanh(W [h_t; h_s]) on the README's example (query_dim 1, key_dim 2, attn_dim 2)"""
    weight = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])  # row 0 reads the query, row 1 the key's sum
    v = torch.tensor([[1.0, 2.0]])
    query = torch.tensor([[0.5]])
    keys = torch.tensor([[[1.0, 0.0], [-0.5, -0.5]]])
    want = torch.tensor([[math.tanh(0.5) + 2 * math.tanh(1.0), math.tanh(0.5) + 2 * math.tanh(-1.0)]])
    _concat(att, mistakes, a2, weight, v, query, keys, want)


def test_concat_query_comes_first(att, mistakes, a2, rng):
    """Concat score: the query comes first in [h_t; h_s] (W = [0 | I] reads only the key)"""
    dim = 3
    weight = torch.cat([torch.zeros(dim, dim), torch.eye(dim)], dim=1)
    query, keys = a2.randn(rng, 2, dim), a2.randn(rng, 2, 5, dim)
    want = torch.tanh(keys.double()).sum(dim=2).float()
    _concat(att, mistakes, a2, weight, torch.ones(1, dim), query, keys, want)


def test_concat_random_weights(att, mistakes, a2, rng):
    """Concat score: v^T tanh(W [h_t; h_s]) with random weights and sizes"""
    for query_dim, key_dim, attn_dim in ((3, 3, 4), (2, 5, 3), (4, 1, 6)):
        weight, v = a2.randn(rng, attn_dim, query_dim + key_dim), a2.randn(rng, 1, attn_dim)
        query, keys = a2.randn(rng, 3, query_dim), a2.randn(rng, 3, 4, key_dim)
        _concat(att, mistakes, a2, weight, v, query, keys, concat_oracle(weight, v, query, keys))
