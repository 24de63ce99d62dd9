"""Graders: the three ValueError cases of the A1 contract (and only those).

Each case comes in a pair: the bad argument raises ValueError, and the smallest good one
does not. The rubric pays each test of a pair only when both pass, so neither a function
that does nothing nor one that always raises earns these points.
"""

from autograder.remote import StudentError
from autograder.toolkit import Call, expect_raises, fail

SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]


def _no_error(function, call, rule):
    try:
        function(*call.args, **call.kwargs)
    except StudentError as error:
        raise fail(rule, call, f"nothing: it raised {error.type_name or type(error).__name__}",
                   "a result, no error") from None


def test_validation_numericalize_max_len_below_two(pre, mistakes, vocab):
    """Argument validation: numericalize with max_len < 2 raises ValueError"""
    src_vocab, tgt_vocab = vocab(SPECIALS + ["a"]), vocab(SPECIALS + ["b"])
    for max_len in (1, 0, -3):
        call = Call("numericalize", ["a"], ["b"], src_vocab, tgt_vocab, max_len)
        expect_raises(ValueError, pre.numericalize, call, mistakes=mistakes,
                      rule="the target needs room for <sos> and <eos>: max_len < 2 raises ValueError")


def test_validation_numericalize_max_len_two(pre, vocab):
    """Argument validation: numericalize with max_len = 2, the smallest allowed, raises nothing"""
    call = Call("numericalize", ["a"], ["b"], vocab(SPECIALS + ["a"]), vocab(SPECIALS + ["b"]), 2)
    _no_error(pre.numericalize, call, "max_len = 2 is allowed (the target is then [<sos>, <eos>])")


def test_validation_build_vocab_max_size_below_four(pre, mistakes):
    """Argument validation: build_vocab with max_size < 4 raises ValueError"""
    for max_size in (3, 1, 0):
        call = Call("build_vocab", [["a", "b"]], max_size=max_size)
        expect_raises(ValueError, pre.build_vocab, call, mistakes=mistakes,
                      rule="the 4 special tokens alone need max_size >= 4: a smaller max_size raises ValueError")


def test_validation_build_vocab_max_size_four(pre):
    """Argument validation: build_vocab with max_size = 4, the smallest allowed, raises nothing"""
    call = Call("build_vocab", [["a", "b"]], max_size=4)
    _no_error(pre.build_vocab, call, "max_size = 4 is allowed (the vocabulary is then the specials alone)")


def test_validation_collate_empty(pre, mistakes):
    """Argument validation: collate([]) raises ValueError"""
    call = Call("collate", [])
    expect_raises(ValueError, pre.collate, call, mistakes=mistakes,
                  rule="an empty batch has no length to pad to: collate([]) raises ValueError")


def test_validation_collate_one_sample(pre):
    """Argument validation: collate of a single sample raises nothing"""
    call = Call("collate", [([4, 5], [2, 3])])
    _no_error(pre.collate, call, "a batch of one sample is allowed")
