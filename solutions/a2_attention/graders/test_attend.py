"""Graders: ``attend``, the masked softmax over the source axis and the context vector.

Masks are asymmetric (different rows have different True positions, and no row is the
complement of another's), so an inverted mask gives wrong weights on every row; masked
scores are never 0, so filling them with 0 is not the same as leaving them. Expected
values come from a direct softmax over the allowed positions only.
"""

import torch

from autograder.toolkit import Call, expect_equal, expect_unchanged, sequence

WEIGHTS_RULE = ("weights[b] = softmax over the source positions s (dim 1) of scores[b], masked positions "
                "(mask False) excluded: they get weight exactly 0 and each row sums to 1")


def expected(scores, values, mask):
    """The masked softmax computed the long way: over the allowed positions only."""
    weights = torch.zeros_like(scores, dtype=torch.float64)
    for b in range(scores.size(0)):
        allowed = mask[b] if mask is not None else torch.ones_like(scores[b], dtype=torch.bool)
        weights[b, allowed] = torch.softmax(scores[b, allowed].double(), dim=0)
    return weights.float(), torch.einsum("bs,bsh->bh", weights, values.double()).float()


def _call(scores, values, mask):
    return Call("attend", scores, values) if mask is None else Call("attend", scores, values, mask)


def _pair(att, call):
    return sequence(call.run(att), call, 2)


def check_weights(att, mistakes, a2, scores, values, mask, rule=WEIGHTS_RULE):
    call = _call(scores, values, mask)
    _, weights = _pair(att, call)
    want, _ = expected(scores, values, mask)
    a2.expect_tensor(weights, want, call, rule=rule, mistakes=mistakes, normalize=lambda answer: answer[1],
                     notes=["the weights (the second item of the pair) are checked"])


def test_attend_returns_context_and_weights(att, mistakes, a2):
    """attend: returns the pair (context [B, Hv], weights [B, S])"""
    scores = torch.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, 0.0]])
    values = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    call = _call(scores, values, torch.tensor([[True, True, True], [True, True, False]]))
    context, weights = _pair(att, call)
    expect_equal((a2.shape_of(context), a2.shape_of(weights)), ([2, 4], [2, 3]), call, mistakes=mistakes,
                 normalize=lambda answer: (a2.shape_of(answer[0]), a2.shape_of(answer[1])),
                 rule="attend returns (context, weights): the context [B, Hv] first, then the weights [B, S]")


def test_attend_reference_example(att, mistakes, a2):
    """attend: scores [1, 2, 3] with the last position masked give weights [0.2689, 0.7311, 0]"""
    scores = torch.tensor([[1.0, 2.0, 3.0]])
    values = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]])
    check_weights(att, mistakes, a2, scores, values, torch.tensor([[True, True, False]]))


def test_attend_without_mask(att, mistakes, a2):
    """attend: with mask=None the weights are a plain softmax over the source axis"""
    scores = torch.tensor([[0.0, 1.0, 2.0], [3.0, 3.0, -1.0]])
    values = torch.tensor([[[1.0], [2.0], [3.0]], [[0.0], [10.0], [4.0]]])
    check_weights(att, mistakes, a2, scores, values, None)


def test_attend_asymmetric_masks(att, mistakes, a2):
    """attend: every row has its own mask (True = may be attended)"""
    scores = torch.tensor([[0.5, -1.0, 2.0, 0.7],
                           [1.0, 1.5, 1.0, -1.0],
                           [3.0, 0.5, -2.0, 1.0]])
    values = torch.arange(24, dtype=torch.float32).reshape(3, 4, 2) / 10
    mask = torch.tensor([[True, True, True, False],
                         [True, False, False, False],
                         [False, True, True, True]])
    check_weights(att, mistakes, a2, scores, values, mask)


def test_attend_masking_before_softmax(att, mistakes, a2):
    """attend: the softmax runs over the unmasked positions only, so they still sum to 1"""
    scores = torch.tensor([[2.0, 0.5, 1.0, 4.0, 3.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    values = torch.ones(2, 5, 3)
    mask = torch.tensor([[True, True, True, False, False], [False, True, True, True, True]])
    check_weights(att, mistakes, a2, scores, values, mask)


def test_attend_masked_weight_exactly_zero(att, mistakes, a2):
    """attend: masked positions get weight exactly 0, not merely a small one"""
    scores = torch.tensor([[-1.0, 0.5, 1.0, 0.2], [2.0, -1.0, 0.3, 0.5]])
    values = torch.ones(2, 4, 2)
    mask = torch.tensor([[True, False, True, False], [True, True, False, True]])
    call = _call(scores, values, mask)
    _, weights = _pair(att, call)
    masked = ~mask

    def on_masked(answer):
        return answer[1][masked]

    got = on_masked((None, weights)) if isinstance(weights, torch.Tensor) and weights.shape == mask.shape else weights
    expect_equal(got, torch.zeros(int(masked.sum())), call, mistakes=mistakes, normalize=on_masked,
                 same=lambda a, b: isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
                 and a.shape == b.shape and bool(torch.equal(a.float(), b.float())),
                 rule="the weights at the masked positions (mask False) are exactly 0.0: fill their scores with "
                      "-inf before the softmax, since exp(-inf) = 0",
                 notes=["shown: the weights at the masked positions, row by row"])


def test_attend_softmax_over_source_axis(att, mistakes, a2):
    """attend: every row is normalised on its own (the softmax runs over the source axis)"""
    scores = torch.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 5.0, 2.0, 2.0]])
    values = torch.eye(4).unsqueeze(0).repeat(3, 1, 1)
    check_weights(att, mistakes, a2, scores, values, None)


def test_attend_context(att, mistakes, a2):
    """attend: the context is the weighted sum of the values, context[b] = sum_s weights[b, s] * values[b, s]"""
    scores = torch.tensor([[0.3, 1.0, -0.5], [2.0, 0.0, 1.0]])
    values = torch.tensor([[[1.0, 0.0], [0.0, 2.0], [3.0, 1.0]], [[-1.0, 1.0], [2.0, 2.0], [0.5, -3.0]]])
    mask = torch.tensor([[True, True, False], [True, True, True]])
    call = _call(scores, values, mask)
    context, weights = _pair(att, call)
    if not isinstance(weights, torch.Tensor) or tuple(weights.shape) != (2, 3):
        weights, _ = expected(scores, values, mask)
    want = torch.einsum("bs,bsh->bh", weights.double(), values.double()).float()
    a2.expect_tensor(context, want, call, mistakes=mistakes, normalize=lambda answer: answer[0],
                     rule="context[b] = sum over s of weights[b, s] * values[b, s], with the weights attend "
                          "returns",
                     notes=[f"the weights your attend returned: {a2.describe(weights)}"])


def test_attend_random_masks(att, mistakes, a2, rng):
    """attend: random scores, values and masks (padding masks and arbitrary patterns)"""
    for case in range(30):
        batch, source_len, value_dim = rng.randint(1, 5), rng.randint(1, 8), rng.randint(1, 4)
        scores = a2.randn(rng, batch, source_len, scale=3.0)
        values = a2.randn(rng, batch, source_len, value_dim)
        if case % 3 == 0:
            mask = None
        elif case % 3 == 1:
            mask = a2.prefix_mask([rng.randint(1, source_len) for _ in range(batch)], source_len)
        else:
            mask = torch.tensor([[rng.random() < 0.6 for _ in range(source_len)] for _ in range(batch)])
            for b in range(batch):
                if not mask[b].any():
                    mask[b, rng.randrange(source_len)] = True
        check_weights(att, mistakes, a2, scores, values, mask)


def test_attend_leaves_arguments(att, mistakes, student):
    """attend: the scores, values and mask passed in are left as they were"""
    scores = torch.tensor([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    values = torch.ones(2, 3, 2)
    mask = torch.tensor([[True, True, False], [False, True, True]])
    expect_unchanged(student, att, Call("attend", scores, values, mask), mistakes=mistakes,
                     rule="attend returns new tensors and leaves its arguments as they were (masked_fill, not the "
                          "in-place masked_fill_)")


def test_validation_row_without_true(att, mistakes, a2):
    """attend: a row whose mask has no True raises ValueError"""
    scores = torch.tensor([[1.0, 2.0], [0.5, 0.5]])
    values = torch.ones(2, 2, 3)
    mask = torch.tensor([[True, False], [False, False]])
    call = _call(scores, values, mask)
    try:
        value = call.run(att)
    except ValueError:
        return
    weights = value[1] if isinstance(value, (tuple, list)) and len(value) == 2 else value
    expect_equal(weights, "ValueError", call, mistakes=mistakes, normalize=lambda answer: answer[1],
                 same=lambda a, b: not isinstance(a, str) and not isinstance(b, str) and a2.same_tensor(a, b),
                 show=lambda v: "to raise ValueError" if isinstance(v, str) else a2.describe(v),
                 rule="row 1 of the mask has no True position: there is nothing to attend to (a softmax over "
                      "only -inf is NaN), so attend raises ValueError",
                 notes=["shown: the weights that came back instead"])
