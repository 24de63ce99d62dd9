"""Graders: no function changes its arguments; ValueError for the two bad-argument cases.

Arguments cross to the student process as copies, so a change made there is invisible
here: the toolkit's ``expect_unchanged`` calls the function through a ``functools.partial``
built in the student process and reads its arguments back. ``make_nsp_examples`` takes an
``rng`` that must be made in the student process, so its check builds that partial itself.

Each of these tests also checks the ordinary answer of the same call, so that a function
that does nothing earns nothing here.
"""

from __future__ import annotations

import copy

from autograder.toolkit import (
    Call,
    describe,
    expect_raises,
    expect_unchanged,
    fail,
    sequence,
)


def test_no_mutation_mask_tokens(pre, a6, rng, student, mistakes):
    """No mutation: mask_tokens returns new tensors and leaves input_ids and special_tokens_mask as they were"""
    ids, special = a6.mlm_batch(rng, 20, 32)
    call = Call("mask_tokens", ids, special, mask_token_id=a6.MASK_ID, vocab_size=a6.VOCAB)
    value = expect_unchanged(student, pre, call, mistakes=mistakes,
                             rule="the caller still needs the clean batch: corrupt input_ids.clone(), not input_ids "
                                  "(indexing assignment on the argument edits it in place)")
    a6.mlm_output(value, call, ids.shape)


def test_no_mutation_build_pair_input(pre, student, mistakes):
    """No mutation: build_pair_input returns new lists and leaves tokens_a and tokens_b as they were"""
    call = Call("build_pair_input", ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4"], 6)
    value = expect_unchanged(student, pre, call, mistakes=mistakes,
                             rule="truncate copies (list(tokens_a), slicing), not the caller's lists (pop() and del "
                                  "change them in place)")
    tokens, segments = sequence(value, call, 2)
    sequence(tokens, call), sequence(segments, call)


def test_no_mutation_make_nsp_examples(pre, a6, rng, student):
    """No mutation: make_nsp_examples returns new examples and leaves the documents as they were"""
    docs = a6.documents(rng, 4, 2, 6)
    seed = a6.seed_from(rng)
    call = a6.nsp_call(student, docs, seed)
    bound = student.module("functools").partial(pre.make_nsp_examples, copy.deepcopy(docs),
                                                student.module("random").Random(seed))
    value = bound()
    after = bound.args[0]
    if after != docs:
        raise fail("build new lists for the examples; the caller's documents stay as they were", call,
                   observed=f"argument 1 changed in place: {describe(after)}",
                   expected="the documents as they were passed")
    if not a6.nsp_output(value, call):
        raise fail("one example per consecutive sentence pair", call, observed="no examples",
                   expected=f"{len(a6.pairs_of(docs))} examples")


def test_validation_build_pair_input(pre, mistakes):
    """Validation: build_pair_input raises ValueError for max_len < 3, and accepts max_len = 3"""
    rule = "[CLS] and two [SEP] need max_len >= 3: a smaller max_len raises ValueError"
    for max_len in (2, 0):
        call = Call("build_pair_input", ["a"], ["b"], max_len)
        expect_raises(ValueError, pre.build_pair_input, call, rule=rule, mistakes=mistakes)
    call = Call("build_pair_input", [], [], 3)
    tokens, _ = sequence(call.run(pre), call, 2)
    if list(tokens) != ["[CLS]", "[SEP]", "[SEP]"]:
        raise fail("max_len = 3 holds [CLS] and the two [SEP]s", call,
                   observed=f"tokens {describe(tokens)}", expected="['[CLS]', '[SEP]', '[SEP]']")


def test_validation_make_nsp_examples(pre, a6, rng, student, mistakes):
    """Validation: make_nsp_examples raises ValueError when no other document has a sentence, and not when one has"""
    rule = ("a document with a sentence pair needs ANOTHER non-empty document to draw a NotNext sentence from; "
            "without one raise ValueError, whatever the coin flips would be")
    for docs in ([[["d0s0"], ["d0s1"], ["d0s2"]]], [[["d0s0"], ["d0s1"]], []]):
        call = a6.nsp_call(student, docs, a6.seed_from(rng))
        expect_raises(ValueError, lambda *args, call=call, **kwargs: call.run(pre), call, rule=rule,
                      mistakes=mistakes)
    docs = [[["d0s0"], ["d0s1"]], [["d1s0"]]]
    call = a6.nsp_call(student, docs, a6.seed_from(rng))
    if not a6.nsp_output(call.run(pre), call):
        raise fail("with another non-empty document there is no error: one example per consecutive pair", call,
                   observed="no examples", expected="1 example")
