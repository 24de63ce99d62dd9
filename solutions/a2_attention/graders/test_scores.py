"""Graders: the three Luong scores, against hand-computed values, a direct formula and each other."""

import math

import torch


def _scores(util, value, call, batch, source_len):
    return util.tensor(value, call, shape=(batch, source_len))


def _expect(util, got, want, call, hint):
    assert util.close(got, want), (
        f"{call} returned {util.show(got)}, expected {util.show(want)} ({util.first_difference(got, want)}): {hint}")


# ---- dot -------------------------------------------------------------------------------

def test_dot_hand_computed(att, util):
    """dot_score: h_t . h_s on a small batch worked out by hand"""
    query = torch.tensor([[1.0, 2.0], [0.0, 1.0]])                      # [B=2, H=2]
    keys = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                         [[2.0, 0.0], [0.0, 3.0], [-1.0, 1.0]]])        # [B=2, S=3, H=2]
    call = f"dot_score(query={util.show(query)}, keys={util.show(keys)})"
    got = _scores(util, att.dot_score(query, keys), call, 2, 3)
    want = torch.tensor([[1.0, 2.0, 3.0], [0.0, 3.0, 1.0]])
    _expect(util, got, want, call,
            "score[b, s] = sum over h of query[b, h] * keys[b, s, h] (no scaling, one score per source position)")


def test_dot_random_batches(att, util, rng):
    """dot_score: random batches of different sizes"""
    for batch, source_len, hidden in ((1, 1, 1), (2, 5, 3), (4, 7, 16)):
        query, keys = util.randn(rng, batch, hidden), util.randn(rng, batch, source_len, hidden)
        call = f"dot_score(query of shape {(batch, hidden)}, keys of shape {(batch, source_len, hidden)})"
        got = _scores(util, att.dot_score(query, keys), call, batch, source_len)
        want = torch.einsum("bh,bsh->bs", query.double(), keys.double())
        _expect(util, got, want, call, "score[b, s] = query[b] . keys[b, s]")


# ---- general -----------------------------------------------------------------------------

def test_general_parameter(att, util):
    """GeneralScore: W is nn.Linear(key_dim, query_dim, bias=False)"""
    scorer = att.GeneralScore(2, 3)
    util.tensor(scorer.W.weight, "GeneralScore(query_dim=2, key_dim=3).W.weight", shape=(2, 3))
    bias = scorer.W.bias
    assert bias is None, "GeneralScore(2, 3).W has a bias; the contract's W is nn.Linear(key_dim, query_dim, bias=False)"


def test_general_hand_computed(att, util):
    """GeneralScore: h_t^T W h_s on a small example worked out by hand (query_dim 2, key_dim 3)"""
    scorer = att.GeneralScore(2, 3)
    weight = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])          # [query_dim=2, key_dim=3]
    util.load_weights(scorer, {"W.weight": weight}, "GeneralScore(2, 3)")
    query = torch.tensor([[1.0, 2.0]])                                   # [1, 2]
    keys = torch.tensor([[[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]]])            # [1, S=2, 3]
    call = f"GeneralScore(2, 3) with W.weight={util.show(weight)}, called on query={util.show(query)}, keys={util.show(keys)}"
    got = _scores(util, scorer(query, keys), call, 1, 2)
    # W h_s = [3, 0] and [2, 1]; dotted with h_t = [1, 2]: 3 and 4
    want = torch.tensor([[3.0, 4.0]])
    _expect(util, got, want, call,
            "W h_s is [3, 0] for the first key and [2, 1] for the second; dotted with the query [1, 2] "
            "that gives 3 and 4 (W maps the key into the query's space: self.W(keys), not self.W(query))")


def test_general_identity_equals_dot(att, util, rng):
    """GeneralScore: with W = I it equals dot_score"""
    hidden = 6
    scorer = att.GeneralScore(hidden, hidden)
    util.load_weights(scorer, {"W.weight": torch.eye(hidden)}, f"GeneralScore({hidden}, {hidden})")
    query, keys = util.randn(rng, 3, hidden), util.randn(rng, 3, 4, hidden)
    call = f"GeneralScore({hidden}, {hidden}) with W = identity on query [3, {hidden}], keys [3, 4, {hidden}]"
    got = _scores(util, scorer(query, keys), call, 3, 4)
    want = torch.einsum("bh,bsh->bs", query.double(), keys.double())
    _expect(util, got, want, call, "with W = I, h_t^T W h_s is the dot score h_t . h_s")


def test_general_random_weights(att, util, rng):
    """GeneralScore: random W, square and non-square, against h_t^T W h_s"""
    for query_dim, key_dim in ((4, 4), (3, 5), (6, 2)):
        scorer = att.GeneralScore(query_dim, key_dim)
        weight = util.randn(rng, query_dim, key_dim)
        util.load_weights(scorer, {"W.weight": weight}, f"GeneralScore({query_dim}, {key_dim})")
        query, keys = util.randn(rng, 2, query_dim), util.randn(rng, 2, 5, key_dim)
        call = (f"GeneralScore(query_dim={query_dim}, key_dim={key_dim}) with random W on query [2, {query_dim}], "
                f"keys [2, 5, {key_dim}]")
        got = _scores(util, scorer(query, keys), call, 2, 5)
        want = torch.einsum("bq,qk,bsk->bs", query.double(), weight.double(), keys.double())
        hint = "score = h_t^T W h_s, i.e. query . self.W(keys)"
        if query_dim == key_dim:
            swapped = torch.einsum("bk,qk,bsq->bs", query.double(), weight.double(), keys.double())
            if util.close(got, swapped):
                hint = ("you computed h_s^T W h_t (W applied to the query); the score is h_t^T W h_s: "
                        "apply self.W to the keys, then take the dot product with the query")
        _expect(util, got, want, call, hint)


# ---- concat ------------------------------------------------------------------------------

def test_concat_parameters(att, util):
    """ConcatScore: W is nn.Linear(query_dim + key_dim, attn_dim), v is nn.Linear(attn_dim, 1), no biases"""
    scorer = att.ConcatScore(2, 3, 4)
    util.tensor(scorer.W.weight, "ConcatScore(query_dim=2, key_dim=3, attn_dim=4).W.weight", shape=(4, 5))
    util.tensor(scorer.v.weight, "ConcatScore(query_dim=2, key_dim=3, attn_dim=4).v.weight", shape=(1, 4))
    assert scorer.W.bias is None and scorer.v.bias is None, (
        "ConcatScore(2, 3, 4): W and v must have no bias (bias=False), as in the contract")


def test_concat_hand_computed(att, util):
    """ConcatScore: v^T tanh(W [h_t; h_s]) on an example worked out by hand"""
    scorer = att.ConcatScore(1, 2, 2)
    weight = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])  # row 0 reads the query, row 1 the key's sum
    v = torch.tensor([[1.0, 2.0]])
    util.load_weights(scorer, {"W.weight": weight, "v.weight": v}, "ConcatScore(1, 2, 2)")
    query = torch.tensor([[0.5]])
    keys = torch.tensor([[[1.0, 0.0], [-0.5, -0.5]]])
    call = (f"ConcatScore(1, 2, 2) with W.weight={util.show(weight)}, v.weight={util.show(v)}, "
            f"called on query={util.show(query)}, keys={util.show(keys)}")
    got = _scores(util, scorer(query, keys), call, 1, 2)
    want = torch.tensor([[math.tanh(0.5) + 2 * math.tanh(1.0), math.tanh(0.5) + 2 * math.tanh(-1.0)]])
    _expect(util, got, want, call,
            "W [h_t; h_s] = [0.5, 1.0] for the first key and [0.5, -1.0] for the second (the query comes "
            "first in the concatenation), so the scores are tanh(0.5) + 2 tanh(1) = 1.9853 and "
            "tanh(0.5) + 2 tanh(-1) = -1.0611")


def test_concat_random_weights(att, util, rng):
    """ConcatScore: random weights and sizes against v^T tanh(W [h_t; h_s])"""
    for query_dim, key_dim, attn_dim in ((3, 3, 4), (2, 5, 3), (4, 1, 6)):
        scorer = att.ConcatScore(query_dim, key_dim, attn_dim)
        weight, v = util.randn(rng, attn_dim, query_dim + key_dim), util.randn(rng, 1, attn_dim)
        util.load_weights(scorer, {"W.weight": weight, "v.weight": v}, f"ConcatScore({query_dim}, {key_dim}, {attn_dim})")
        query, keys = util.randn(rng, 3, query_dim), util.randn(rng, 3, 4, key_dim)
        call = (f"ConcatScore(query_dim={query_dim}, key_dim={key_dim}, attn_dim={attn_dim}) with random "
                f"weights on query [3, {query_dim}], keys [3, 4, {key_dim}]")
        got = _scores(util, scorer(query, keys), call, 3, 4)
        w = weight.double()
        hidden = torch.tanh(torch.einsum("aq,bq->ba", w[:, :query_dim], query.double()).unsqueeze(1)
                            + torch.einsum("ak,bsk->bsa", w[:, query_dim:], keys.double()))
        want = torch.einsum("bsa,a->bs", hidden, v.double()[0])
        hint = "score = v^T tanh(W [h_t; h_s]) with the query first in the concatenation"
        if query_dim == key_dim:
            swapped_hidden = torch.tanh(torch.einsum("aq,bq->ba", w[:, query_dim:], query.double()).unsqueeze(1)
                                        + torch.einsum("ak,bsk->bsa", w[:, :query_dim], keys.double()))
            if util.close(got, torch.einsum("bsa,a->bs", swapped_hidden, v.double()[0])):
                hint = "you concatenated [h_s; h_t]; the contract puts the query first: [h_t; h_s]"
        _expect(util, got, want, call, hint)


def test_concat_query_comes_first(att, util, rng):
    """ConcatScore: with W = [0 | I] and v = 1 it is sum(tanh(h_s)), the same for every query"""
    dim = 3
    scorer = att.ConcatScore(dim, dim, dim)
    weight = torch.cat([torch.zeros(dim, dim), torch.eye(dim)], dim=1)
    util.load_weights(scorer, {"W.weight": weight, "v.weight": torch.ones(1, dim)}, f"ConcatScore({dim}, {dim}, {dim})")
    query, keys = util.randn(rng, 2, dim), util.randn(rng, 2, 5, dim)
    call = f"ConcatScore({dim}, {dim}, {dim}) with W = [0 | I] (ignores the query) and v = [1, 1, 1]"
    got = _scores(util, scorer(query, keys), call, 2, 5)
    want = torch.tanh(keys.double()).sum(dim=2)
    _expect(util, got, want, call,
            "W [h_t; h_s] with W = [0 | I] is h_s (the query is the first half of the concatenation), so "
            "the score is sum(tanh(h_s))")
