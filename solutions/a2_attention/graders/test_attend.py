"""Graders: ``attend``, the masked softmax over the source axis and the context vector.

Masks are asymmetric (different rows have different True positions, and no row is the
complement of another's), so an inverted mask gives wrong weights on every row. Expected
values come from a direct softmax over the allowed positions only.
"""

import torch

# 0.0 is exact: a masked position must get weight exactly 0 (exp(-inf) = 0).
ROW_SUM_TOLERANCE = 1e-5


def expected(scores, values, mask):
    """The masked softmax computed the long way: over the allowed positions only."""
    weights = torch.zeros_like(scores, dtype=torch.float64)
    for b in range(scores.size(0)):
        allowed = mask[b] if mask is not None else torch.ones_like(scores[b], dtype=torch.bool)
        weights[b, allowed] = torch.softmax(scores[b, allowed].double(), dim=0)
    return weights, torch.einsum("bs,bsh->bh", weights, values.double())


def diagnose(util, scores, weights, mask):
    """A hint for the student from the shape of the mistake."""
    scores = scores.double()
    weights = weights.double()
    sums = weights.sum(dim=1)
    rows_off = (sums - 1).abs() > ROW_SUM_TOLERANCE
    if bool(rows_off.any()) and weights.size(0) > 1:
        columns = weights.sum(dim=0)
        real = mask.any(dim=0) if mask is not None else torch.ones_like(columns, dtype=torch.bool)
        if bool(((columns[real] - 1).abs() < ROW_SUM_TOLERANCE).all()):
            return ("the columns sum to 1 instead of the rows: the softmax runs over the batch axis (dim 0); it "
                    "must run over the source axis (dim 1 / dim=-1), separately for every sentence")
    if mask is not None:
        if util.close(weights, torch.softmax(scores, dim=1)):
            return "these are the weights of a softmax over ALL positions: the mask was not applied"
        if util.close(weights, torch.softmax(scores.masked_fill(~mask, 0.0), dim=1)):
            return ("the masked scores were filled with 0, which is just another score: fill them with -inf "
                    "(float('-inf')) so that exp gives exactly 0")
        if util.close(weights, torch.softmax(scores, dim=1) * mask):
            return ("the weights were zeroed AFTER the softmax, so the rows no longer sum to 1; mask the scores "
                    "(fill with -inf) BEFORE the softmax")
        on_masked = (weights * (~mask)).abs().sum(dim=1)
        on_real = (weights * mask).abs().sum(dim=1)
        if bool((on_real == 0).any()) and bool((on_masked > 0).all()):
            return ("the weights sit on the masked (False) positions: the mask is inverted; in this course True "
                    "means 'may be attended' (torch's scaled_dot_product_attention convention)")
        if bool((on_masked > 0).any()):
            b = int((on_masked > 0).nonzero()[0, 0])
            return (f"row {b} gives weight {float(on_masked[b]):.4g} in total to masked positions; they must get "
                    f"exactly 0: fill masked scores with -inf BEFORE the softmax")
    if bool(rows_off.any()):
        b = int(rows_off.nonzero()[0, 0])
        return (f"row {b} of the weights sums to {float(sums[b]):.4f}; every row must sum to 1 (a softmax over the "
                f"source axis, masking before the softmax)")
    return "weights = softmax over the source axis of the (masked) scores; context = sum_s weights[b, s] * values[b, s]"


def check_attend(att, util, scores, values, mask, label):
    batch, source_len, value_dim = values.shape
    mask_text = "None" if mask is None else util.show(mask)
    call = f"attend({label}scores={util.show(scores)}, values of shape {tuple(values.shape)}, mask={mask_text})"
    args = (scores, values) if mask is None else (scores, values, mask)
    context, weights = util.pair(att.attend(*args), call)
    weights = util.tensor(weights, f"the weights of {call}", shape=(batch, source_len), allow_nan=True)
    if bool(torch.isnan(weights).any()):
        raise AssertionError(
            f"{call} returned NaN weights {util.show(weights)}: a softmax over values that are all -inf gives NaN. "
            f"No row of this mask is fully masked, so the -inf went to the wrong places: does the softmax run over "
            f"the source axis (dim 1), and is the mask the right way round (True = may be attended)?")
    context = util.tensor(context, f"the context of {call}", shape=(batch, value_dim))
    want_weights, want_context = expected(scores, values, mask)
    if mask is not None:
        leaked = weights.masked_select(~mask)
        assert bool((leaked == 0).all()), (
            f"{call} returned weights {util.show(weights)}: masked positions must get weight exactly 0, "
            f"expected {util.show(want_weights)}. {diagnose(util, scores, weights, mask)}")
    sums = weights.double().sum(dim=1)
    assert bool(((sums - 1).abs() <= ROW_SUM_TOLERANCE).all()), (
        f"{call} returned weights {util.show(weights)} whose rows sum to {util.show(sums)}; expected "
        f"{util.show(want_weights)}. {diagnose(util, scores, weights, mask)}")
    assert util.close(weights, want_weights), (
        f"{call} returned weights {util.show(weights)}, expected {util.show(want_weights)} "
        f"({util.first_difference(weights, want_weights)}). {diagnose(util, scores, weights, mask)}")
    assert util.close(context, want_context), (
        f"{call} returned the right weights but the context {util.show(context)}, expected "
        f"{util.show(want_context)} ({util.first_difference(context, want_context)}): the context is the "
        f"weighted sum of the values over the source axis, context[b] = sum_s weights[b, s] * values[b, s]")


def test_attend_reference_example(att, util):
    """attend: scores [1, 2, 3] with the last position masked give weights [0.2689, 0.7311, 0]"""
    scores = torch.tensor([[1.0, 2.0, 3.0]])
    values = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]])
    check_attend(att, util, scores, values, torch.tensor([[True, True, False]]), "")


def test_attend_without_mask(att, util):
    """attend: with mask=None it is a plain softmax over the source axis"""
    scores = torch.tensor([[0.0, 1.0, 2.0], [3.0, 3.0, -1.0]])
    values = torch.tensor([[[1.0], [2.0], [3.0]], [[0.0], [10.0], [4.0]]])
    check_attend(att, util, scores, values, None, "")


def test_attend_asymmetric_masks(att, util):
    """attend: a batch whose rows have different masks (an inverted mask fails every row)"""
    scores = torch.tensor([[0.5, -1.0, 2.0, 0.0],
                           [1.0, 1.0, 1.0, 1.0],
                           [3.0, 0.0, -2.0, 1.0]])
    values = torch.arange(24, dtype=torch.float32).reshape(3, 4, 2) / 10
    mask = torch.tensor([[True, True, True, False],
                         [True, False, False, False],
                         [True, True, True, True]])
    check_attend(att, util, scores, values, mask, "")


def test_attend_masking_before_softmax(att, util):
    """attend: masking happens before the softmax, so the remaining weights still sum to 1"""
    scores = torch.tensor([[2.0, 0.0, 1.0, 4.0, 3.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    values = torch.ones(2, 5, 3)
    mask = torch.tensor([[True, True, True, False, False], [False, True, True, True, True]])
    check_attend(att, util, scores, values, mask, "")


def test_attend_softmax_over_source_axis(att, util):
    """attend: every row is normalised separately (the softmax runs over the source axis)"""
    scores = torch.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 5.0, 2.0, 2.0]])
    values = torch.eye(4).unsqueeze(0).repeat(3, 1, 1)
    check_attend(att, util, scores, values, None, "")


def test_attend_random_masks(att, util, rng):
    """attend: random scores, values and masks (padding masks and arbitrary patterns)"""
    for case in range(30):
        batch, source_len, value_dim = rng.randint(1, 5), rng.randint(1, 8), rng.randint(1, 4)
        scores = util.randn(rng, batch, source_len, scale=3.0)
        values = util.randn(rng, batch, source_len, value_dim)
        if case % 3 == 0:
            mask = None
        elif case % 3 == 1:
            mask = util.prefix_mask([rng.randint(1, source_len) for _ in range(batch)], source_len)
        else:
            mask = torch.tensor([[rng.random() < 0.6 for _ in range(source_len)] for _ in range(batch)])
            for b in range(batch):
                if not mask[b].any():
                    mask[b, rng.randrange(source_len)] = True
        check_attend(att, util, scores, values, mask, "random ")


def test_validation_row_without_true(att, util):
    """attend: a row whose mask has no True raises ValueError"""
    scores = torch.tensor([[1.0, 2.0], [0.5, 0.5]])
    values = torch.ones(2, 2, 3)
    mask = torch.tensor([[True, False], [False, False]])
    call = f"attend(scores={util.show(scores)}, values of shape (2, 2, 3), mask={util.show(mask)})"
    try:
        result = att.attend(scores, values, mask)
    except ValueError:
        return
    shown = util.show(result[1]) if isinstance(result, (tuple, list)) and len(result) == 2 else util.kind(result)
    raise AssertionError(
        f"{call} returned weights {shown} instead of raising ValueError: row 1 of the mask has no True "
        f"position, so there is nothing to attend to (a softmax over all -inf would give NaN)")
