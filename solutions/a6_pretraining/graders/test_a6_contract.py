"""Graders: no function changes its arguments; ValueError for the two bad-argument cases.

Arguments cross to the student process as copies, so a change made there would be
invisible here. The no-mutation checks therefore build a ``functools.partial`` IN the
student process: it keeps the argument objects the student's function received, and
reading ``partial.args`` after the call shows them as they were left.
"""

from __future__ import annotations

import copy

import torch


def call_and_inspect(student, function, *args, **kwargs):
    bound = student.module("functools").partial(function, *args, **kwargs)
    result = bound()
    return result, bound.args


def test_no_mutation_mask_tokens(pre, util, rng, student):
    """No mutation: mask_tokens leaves input_ids and special_tokens_mask unchanged"""
    ids, special = util.mlm_batch(rng, 20, 32, 500, 999)
    _, after = call_and_inspect(student, pre.mask_tokens, ids.clone(), special.clone(), mask_token_id=999,
                                vocab_size=1000)
    changed = (after[0] != ids).nonzero()
    assert changed.numel() == 0, (
        f"mask_tokens(input_ids, ...) changed the caller's input_ids: position {tuple(changed[0].tolist())} was "
        f"{int(ids[tuple(changed[0])])} and is {int(after[0][tuple(changed[0])])} after the call. The caller still "
        f"needs the clean batch; work on input_ids.clone() (indexing assignment on the argument edits it in place)")
    assert torch.equal(after[1], special), "mask_tokens changed the caller's special_tokens_mask; work on a copy"


def test_no_mutation_lists(pre, util, rng, student):
    """No mutation: build_pair_input and make_nsp_examples leave their lists unchanged"""
    a, b = ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4"]
    _, after = call_and_inspect(student, pre.build_pair_input, list(a), list(b), 6)
    assert list(after[0]) == a and list(after[1]) == b, (
        f"build_pair_input({a}, {b}, 6) changed its arguments to {list(after[0])} and {list(after[1])}: "
        f"truncate copies (list(tokens_a), slicing), not the caller's lists (pop() and del work in place)")
    documents = util.documents(rng, 4, 2, 6)
    seed = rng.randrange(2**31)
    _, after = call_and_inspect(student, pre.make_nsp_examples, copy.deepcopy(documents),
                                student.module("random").Random(seed))
    assert [[list(s) for s in doc] for doc in after[0]] == documents, (
        "make_nsp_examples(documents, rng) changed the documents it was given; build new lists instead")


def test_validation_value_errors(pre, util, student):
    """Validation: ValueError for build_pair_input with max_len < 3 and for NSP without another document"""
    for max_len in (2, 0):
        try:
            got = pre.build_pair_input(["a"], ["b"], max_len)
        except ValueError:
            continue
        raise AssertionError(f"build_pair_input(['a'], ['b'], {max_len}) returned {util.shown(got)} instead of "
                             f"raising ValueError: [CLS] and two [SEP] need max_len >= 3")
    for documents in ([[["d0s0"], ["d0s1"], ["d0s2"]]], [[["d0s0"], ["d0s1"]], []]):
        try:
            got = pre.make_nsp_examples(documents, student.module("random").Random(0))
        except ValueError:
            continue
        raise AssertionError(
            f"make_nsp_examples({documents}, random.Random(0)) returned {util.shown(got)} instead of raising "
            f"ValueError: no other non-empty document exists to draw a NotNext sentence from (raise it whatever "
            f"the coin flips would be)")
