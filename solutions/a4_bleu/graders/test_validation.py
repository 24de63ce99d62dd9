"""Graders: the ValueError cases of the contract (and only those)."""


def test_validation_ngrams_n_below_one(bleu, util):
    """Argument validation: ngrams with n < 1 raises ValueError"""
    util.expect_value_error(bleu.ngrams, "ngrams", ["a", "b"], 0, why="there are no 0-grams; n must be at least 1")
    util.expect_value_error(bleu.ngrams, "ngrams", ["a", "b"], -1, why="n must be at least 1")


def test_validation_modified_precision_n_below_one(bleu, util):
    """Argument validation: modified_precision with n < 1 raises ValueError"""
    util.expect_value_error(bleu.modified_precision, "modified_precision", ["a"], [["a"]], 0,
                            why="n must be at least 1")


def test_validation_corpus_bleu_max_n_below_one(bleu, util):
    """Argument validation: corpus_bleu with max_n < 1 raises ValueError"""
    util.expect_value_error(bleu.corpus_bleu, "corpus_bleu", [["a", "b"]], [[["a", "b"]]], max_n=0,
                            why="BLEU needs at least one n-gram order; max_n must be at least 1")


def test_validation_sentence_bleu_max_n_below_one(bleu, util):
    """Argument validation: sentence_bleu with max_n < 1 raises ValueError"""
    util.expect_value_error(bleu.sentence_bleu, "sentence_bleu", ["a", "b"], [["a", "b"]], max_n=0,
                            why="BLEU needs at least one n-gram order; max_n must be at least 1")


def test_validation_corpus_bleu_empty_corpus(bleu, util):
    """Argument validation: corpus_bleu on an empty corpus raises ValueError"""
    util.expect_value_error(bleu.corpus_bleu, "corpus_bleu", [], [],
                            why="BLEU of an empty corpus is undefined")


def test_validation_corpus_bleu_hypothesis_without_reference(bleu, util):
    """Argument validation: corpus_bleu with a hypothesis that has no reference raises ValueError"""
    util.expect_value_error(bleu.corpus_bleu, "corpus_bleu", [["a", "b"], ["c"]], [[["a", "b"]], []],
                            why="the second hypothesis has no reference to be compared with")


def test_validation_closest_ref_length_without_lengths(bleu, util):
    """Argument validation: closest_ref_length with no reference lengths raises ValueError"""
    util.expect_value_error(bleu.closest_ref_length, "closest_ref_length", 3, [],
                            why="there is no reference length to choose from")
