"""Graders: the three ValueError cases of the A1 contract (and only those)."""


def test_validation_numericalize_max_len_below_two(pre, util):
    """Argument validation: numericalize with max_len < 2 raises ValueError"""
    src_vocab = util.vocab(pre, util.SPECIALS + ["a"])
    tgt_vocab = util.vocab(pre, util.SPECIALS + ["b"])
    for max_len in (1, 0, -3):
        util.expect_value_error(
            lambda: pre.numericalize(["a"], ["b"], src_vocab, tgt_vocab, max_len),
            f"numericalize(['a'], ['b'], src_vocab, tgt_vocab, {max_len})",
            "the target needs room for <sos> and <eos>, so max_len must be at least 2")


def test_validation_build_vocab_max_size_below_four(pre, util):
    """Argument validation: build_vocab with max_size < 4 raises ValueError"""
    for max_size in (3, 1, 0):
        util.expect_value_error(lambda: pre.build_vocab([["a", "b"]], max_size=max_size),
                                f"build_vocab([['a', 'b']], max_size={max_size})",
                                "the 4 special tokens alone need max_size >= 4")


def test_validation_collate_empty(pre, util):
    """Argument validation: collate([]) raises ValueError"""
    util.expect_value_error(lambda: pre.collate([]), "collate([])",
                            "an empty batch has no length to pad to; raise ValueError naming the argument")
