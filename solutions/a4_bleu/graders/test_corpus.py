"""Graders: corpus-level aggregation, the combination of precisions (geometric mean, uniform
weights, 0..100 scale) and other maximum orders."""

import math


def _words(*sentences):
    return [sentence.split() for sentence in sentences]


def _check_corpus(bleu, util, hypotheses, references, hint, max_n=None, want=None):
    kwargs = {} if max_n is None else {"max_n": max_n}
    call = util.call("corpus_bleu", hypotheses, references, **kwargs)
    got = util.number(bleu.corpus_bleu(hypotheses, references, **kwargs), call)
    if want is None:
        want = util.sacre_corpus(hypotheses, references, 4 if max_n is None else max_n)
    assert util.close(got, want), f"{call} returned {got:.6f}, expected {want:.6f}: {hint}"


def _check_sentence(bleu, util, hypothesis, references, hint, max_n, want=None):
    call = util.call("sentence_bleu", hypothesis, references, max_n=max_n)
    got = util.number(bleu.sentence_bleu(hypothesis, references, max_n=max_n), call)
    if want is None:
        want = util.sacre_sentence(hypothesis, references, max_n)
    assert util.close(got, want), f"{call} returned {got:.6f}, expected {want:.6f}: {hint}"


# ---- corpus-level aggregation --------------------------------------------------------

def test_corpus_counts_summed_over_sentences(bleu, util):
    """Corpus BLEU: clipped counts are summed over the corpus, not averaged per sentence"""
    hypotheses = _words("a b c d e f g h", "x y z w")
    references = [_words("a b c d e f g h"), _words("x y z v")]
    _check_corpus(bleu, util, hypotheses, references,
                  "add the matches and totals of all sentences for each order, then take one "
                  "precision per order (here 11/12, 9/10, 7/8, 5/6); corpus BLEU is not the "
                  "mean of sentence BLEUs, and the second sentence's missing 4-gram match must "
                  "not zero the corpus")


def test_corpus_lengths_summed_before_penalty(bleu, util):
    """Corpus BLEU: one brevity penalty from the summed lengths"""
    hypotheses = _words("a b c d e f g h", "x y")
    references = [_words("a b c d e f g h"), _words("x y z w v u")]
    _check_corpus(bleu, util, hypotheses, references,
                  "all precisions are 100%; the penalty uses the corpus lengths, 10 hypothesis "
                  "words against 14 reference words: 100 * exp(1 - 14/10)",
                  want=100 * math.exp(1 - 14 / 10))


def test_corpus_long_sentence_balances_short_one(bleu, util):
    """Corpus BLEU: a long hypothesis makes up for a short one in the brevity penalty"""
    hypotheses = _words("a b c d e f g h i j", "a b")
    references = [_words("a b c d e f g h"), _words("a b c d")]
    _check_corpus(bleu, util, hypotheses, references,
                  "the corpus has 12 hypothesis words and 12 reference words, so there is no "
                  "brevity penalty even though the second sentence is short; precisions are "
                  "10/12, 8/10, 6/8, 5/7")


def test_corpus_closest_length_per_sentence(bleu, util):
    """Corpus BLEU: each sentence contributes the reference length closest to its own hypothesis"""
    hypotheses = _words("a b c", "d e f g h")
    references = [_words("a b c", "a b c d e f g"), _words("d e f g h i j k", "d e f")]
    _check_corpus(bleu, util, hypotheses, references,
                  "per sentence the closest reference lengths are 3 (for 3 words) and 3 (for 5 "
                  "words), so the corpus reference length is 6 against 8 hypothesis words and "
                  "there is no penalty; do not use the first reference's length")


# ---- combining the precisions ----------------------------------------------------------

def test_combine_perfect_match_is_100(bleu, util):
    """Combining precisions: a perfect translation scores 100 (BLEU is on a 0..100 scale)"""
    sentences = _words("the cat sat on the mat", "there is a dog in the garden")
    _check_corpus(bleu, util, sentences, [[s] for s in sentences],
                  "every precision is 1 and there is no penalty; BLEU is reported on the "
                  "0..100 scale, like sacrebleu", want=100.0)


def test_combine_geometric_mean(bleu, util):
    """Combining precisions: the geometric mean of the n-gram precisions with equal weights"""
    _check_corpus(bleu, util, _words("a b c d x y"), [_words("a b c d e f")],
                  "precisions are 4/6, 3/5, 2/4, 1/3 and there is no penalty: BLEU = 100 * "
                  "(p1 * p2 * p3 * p4) ** (1/4), the geometric mean with equal weights 1/4 "
                  "(not the arithmetic mean, not other weights)",
                  want=100 * (4 / 6 * 3 / 5 * 2 / 4 * 1 / 3) ** 0.25)
    _check_corpus(bleu, util, _words("a b c d e f g h x"), [_words("a b c d e f g h y")],
                  "precisions are 8/9, 7/8, 6/7, 5/6: BLEU = 100 * (p1 * p2 * p3 * p4) ** (1/4)",
                  want=100 * (8 / 9 * 7 / 8 * 6 / 7 * 5 / 6) ** 0.25)


def test_combine_zero_precision_gives_zero(bleu, util):
    """Combining precisions: one zero precision makes corpus BLEU 0 (no smoothing)"""
    _check_corpus(bleu, util, [["the"] * 7], [_words("the cat is on the mat")],
                  "no hypothesis bigram matches, so p2 = 0 and the geometric mean is 0; "
                  "corpus_bleu uses no smoothing", want=0.0)
    _check_corpus(bleu, util, _words("the cat is on the mat", "there is a dog in the garden"),
                  [_words("the cat sat on the mat"), _words("a dog is in the garden")],
                  "the summed matches are 11, 6, 2, 0: no 4-gram matches anywhere, so p4 = 0 "
                  "and corpus BLEU is 0 (corpus_bleu uses no smoothing)", want=0.0)


def test_combine_order_without_ngrams_is_zero(bleu, util):
    """Combining precisions: corpus BLEU is 0 when no hypothesis has any 4-gram"""
    _check_corpus(bleu, util, _words("the cat"), [_words("the cat sat on the mat")],
                  "the hypothesis has no 3-grams or 4-grams; corpus BLEU has no 'effective "
                  "order', such an order counts as precision 0 and BLEU is 0 (return 0.0, do "
                  "not divide by zero)", want=0.0)


# ---- other maximum orders ------------------------------------------------------------

def test_max_n_unigram_bleu(bleu, util):
    """Other orders: with max_n=1 BLEU is the clipped unigram precision times the penalty"""
    hint = "with max_n=1 only unigrams count: 2 of the 7 words match, BLEU = 100 * 2/7"
    _check_corpus(bleu, util, [["the"] * 7], [_words("the cat is on the mat")], hint,
                  max_n=1, want=100 * 2 / 7)
    _check_sentence(bleu, util, ["the"] * 7, _words("the cat is on the mat"), hint,
                    max_n=1, want=100 * 2 / 7)


def test_max_n_two_and_three(bleu, util):
    """Other orders: max_n=2 and max_n=3 use the geometric mean of 2 and 3 precisions"""
    for max_n, want in ((2, 100 * (4 / 6 * 3 / 5) ** (1 / 2)), (3, 100 * (4 / 6 * 3 / 5 * 2 / 4) ** (1 / 3))):
        _check_corpus(bleu, util, _words("a b c d x y"), [_words("a b c d e f")],
                      f"precisions are 4/6, 3/5, 2/4, ...: with max_n={max_n} BLEU is the "
                      f"geometric mean of the first {max_n}", max_n=max_n, want=want)
    _check_corpus(bleu, util, _words("the cat"), [_words("the cat sat on the mat")],
                  "with max_n=2 both precisions are 1 and only the penalty exp(1 - 6/2) is left",
                  max_n=2, want=100 * math.exp(1 - 3))


def test_max_n_five_and_six(bleu, util):
    """Other orders: max_n above 4 counts 5-grams and 6-grams"""
    hypotheses = _words("a b c d e f g x h", "b c d e f g h")
    references = [_words("a b c d e f g y h"), _words("a b c d e f g h")]
    for max_n in (5, 6):
        _check_corpus(bleu, util, hypotheses, references,
                      f"with max_n={max_n} orders 1..{max_n} all take part", max_n=max_n)
        _check_sentence(bleu, util, hypotheses[0], references[0],
                        f"with max_n={max_n} orders 1..{max_n} all take part", max_n=max_n)


def test_max_n_random(bleu, util, rng):
    """Other orders: random corpora and sentences with max_n from 1 to 6"""
    for size in util.sizes(50, 12):
        max_n = rng.randint(1, 6)
        hypotheses, references = util.corpus_case(rng, size)
        _check_corpus(bleu, util, hypotheses, references,
                      f"corpus BLEU with max_n={max_n} (sacrebleu's value)", max_n=max_n)
        hypothesis, refs = util.sentence_case(rng, size)
        _check_sentence(bleu, util, hypothesis, refs,
                        f"sentence BLEU with max_n={max_n} (sacrebleu's value)", max_n=max_n)
