"""Graders: corpus BLEU's sums over the corpus (corpus_level) and how BLEU combines the
n-gram precisions (combination: geometric mean, weights 1/max_n, no smoothing in a corpus,
the 0..100 scale), for corpus_bleu and sentence_bleu.

Every BLEU call runs with correct ngrams, modified_precision, closest_ref_length and
brevity_penalty (see conftest.py), so these tests grade corpus_bleu / sentence_bleu alone.
"""

import math

from autograder.toolkit import (
    Call,
    describe,
    expect_close,
    expect_raises,
    sizes,
    trusted,
)


def _words(*sentences):
    return [sentence.split() for sentence in sentences]


# =========================================================================================
# corpus_level: counts and lengths are summed over the corpus
# =========================================================================================

def test_corpus_one_sentence_penalty(check_bleu):
    """Corpus BLEU: a one-sentence corpus whose n-grams all match scores 100 times its brevity penalty"""
    check_bleu(Call("corpus_bleu", _words("a b c d e f"), [_words("a b c d e f g h")]), 100 * math.exp(1 - 8 / 6),
               rule="every hypothesis n-gram matches (all precisions are 1); the hypothesis has 6 words against "
                    "8, so BLEU = 100 * brevity_penalty(6, 8)")


def test_corpus_lengths_summed_before_penalty(check_bleu):
    """Corpus BLEU: the brevity penalty is applied once, to the lengths summed over the corpus"""
    hypotheses = _words("a b c d e f g h", "x y")
    references = [_words("a b c d e f g h"), _words("x y z w v u")]
    check_bleu(Call("corpus_bleu", hypotheses, references), 100 * math.exp(1 - 14 / 10),
               rule="every hypothesis n-gram matches (all precisions are 1); the corpus has 10 hypothesis "
                    "words against 14 reference words, so BLEU = 100 * brevity_penalty(10, 14)")


def test_corpus_long_sentence_balances_short_one(check_bleu):
    """Corpus BLEU: a long hypothesis makes up for a short one in the brevity penalty"""
    hypotheses = _words("a b c d e f g h i j", "a b")
    references = [_words("a b c d e f", "a b c d e f g h i j k l m n o"), _words("a b c d e f")]
    check_bleu(Call("corpus_bleu", hypotheses, references), 100.0,
               rule="all precisions are 1; the closest reference lengths are 6 and 6, so the corpus has 12 "
                    "hypothesis words against 12 reference words and no brevity penalty, although the "
                    "second sentence alone is short")


def test_corpus_counts_summed_over_sentences(check_bleu):
    """Corpus BLEU: matches and totals of all sentences are added before one precision per order"""
    hypotheses = _words("a b c d e f", "x y")
    references = [_words("a b c d e f"), _words("x y")]
    check_bleu(Call("corpus_bleu", hypotheses, references), 100.0,
               rule="the second sentence has no 3-grams or 4-grams, but the corpus has: summed over both "
                    "sentences every order has all its n-grams matched (8/8, 6/6, 4/4, 3/3), so BLEU is 100")


def test_corpus_closest_length_per_sentence(check_bleu):
    """Corpus BLEU: each sentence contributes the reference length closest to its own hypothesis"""
    hypotheses = _words("d e f g h")
    references = [_words("d e f g h i j k", "d e f g")]
    check_bleu(Call("corpus_bleu", hypotheses, references), 100.0,
               rule="the references have 8 and 4 words; the closest to the 5-word hypothesis is 4, so the "
                    "hypothesis is not short and there is no penalty (all precisions are 1)")


def test_corpus_same_sums_same_score(bleu_value, mistakes):
    """Corpus BLEU: two corpora with the same summed counts and lengths get the same score"""
    # Each hypothesis starts with words shared with its reference (a b c ...) and ends with
    # words the reference does not have (s t u ...); the reference ends with others (k l m ...).
    first = [("a b c d e f".split(), _words("a b c d e f")),
             ("a b c d e f s t u v w x".split(), _words("a b c d e f k l m n o p"))]
    second = [("a b c d e f g h s t".split(), _words("a b c d e f g h k l")),
              ("a b c d s t u v".split(), _words("a b c d k l m n"))]
    _expect_same_score(bleu_value, mistakes, first, second,
                       "both corpora have 12 of 18 unigrams matched, 10 of 16 bigrams, 8 of 14 trigrams, "
                       "6 of 12 4-grams, and 18 hypothesis against 18 reference words")


def _corpus_calls(first, second):
    return (Call("corpus_bleu", [h for h, _ in first], [r for _, r in first]),
            Call("corpus_bleu", [h for h, _ in second], [r for _, r in second]))


def _expect_same_score(bleu_value, mistakes, first, second, sums, calls=None):
    one, other = calls or _corpus_calls(first, second)
    got, want = bleu_value(one), bleu_value(other)
    expect_close(got, want, one, mistakes=mistakes,
                 rule="corpus BLEU depends only on the matches, totals and lengths SUMMED over the corpus, "
                      "so corpora with the same sums score the same: " + sums,
                 notes=[f"the other corpus: {other} returned {describe(want)}"])


def test_corpus_random_matched_corpora(check_bleu, rng, oracle, cases):
    """Corpus BLEU: random corpora: counts and lengths are summed over the corpus"""
    checks = check_bleu.batch()
    for size in sizes(80, 14):
        hypotheses, references = cases.matched_corpus(rng, size)
        checks.add(Call("corpus_bleu", hypotheses, references), oracle.corpus(hypotheses, references),
                   rule="every hypothesis is part of one of its references (all summed precisions are 1), so "
                        "BLEU = 100 * brevity_penalty(summed hypothesis lengths, summed closest reference "
                        "lengths), as sacrebleu computes it")
    checks.run()


def test_corpus_random_same_sums(bleu_value, mistakes, rng, cases):
    """Corpus BLEU: random pairs of corpora with the same summed counts and lengths score the same"""
    pairs = [[list(zip(*corpus)) for corpus in cases.same_sums_pair(rng, size)] for size in sizes(40, 12)]
    calls = [_corpus_calls(first, second) for first, second in pairs]
    bleu_value.together([call for pair in calls for call in pair])
    for (first, second), pair in zip(pairs, calls):
        _expect_same_score(bleu_value, mistakes, first, second,
                           "both have the same number of sentences, the same summed count of shared words, "
                           "of other hypothesis words and of reference words", calls=pair)


def _expect_value_error(bleu, mistakes, call, rule):
    with trusted(bleu, mistakes, "ngrams", "modified_precision", "closest_ref_length", "brevity_penalty"):
        expect_raises(ValueError, bleu.corpus_bleu, call, rule=rule, mistakes=mistakes)


def test_corpus_max_n_below_one(bleu, mistakes):
    """Corpus BLEU: max_n < 1 raises ValueError"""
    _expect_value_error(bleu, mistakes, Call("corpus_bleu", [["a", "b"]], [[["a", "b"]]], max_n=0),
                        "BLEU needs at least one n-gram order: max_n must be at least 1")


def test_corpus_empty_corpus(bleu, mistakes):
    """Corpus BLEU: an empty corpus raises ValueError"""
    _expect_value_error(bleu, mistakes, Call("corpus_bleu", [], []), "the BLEU of an empty corpus is undefined")


def test_corpus_hypothesis_without_reference(bleu, mistakes):
    """Corpus BLEU: a hypothesis with no reference raises ValueError"""
    _expect_value_error(bleu, mistakes, Call("corpus_bleu", [["a", "b"], ["c"]], [[["a", "b"]], []]),
                        "every hypothesis needs at least one reference to be compared with")


# =========================================================================================
# combination: geometric mean, weights 1/max_n, no smoothing in a corpus, 0..100
# =========================================================================================

def test_combine_geometric_mean(check_bleu, oracle):
    """Combining precisions: the geometric mean of the n-gram precisions with equal weights"""
    check_bleu(Call("corpus_bleu", _words("a b c d x y"), [_words("a b c d e f")]),
               100 * oracle.geometric(4 / 6, 3 / 5, 2 / 4, 1 / 3),
               rule="precisions are 4/6, 3/5, 2/4, 1/3 and there is no penalty: BLEU = 100 * (p1 * p2 * p3 * "
                    "p4) ** (1/4), the geometric mean with equal weights 1/4")
    check_bleu(Call("corpus_bleu", _words("a b c d e f g h x"), [_words("a b c d e f g h y")]),
               100 * oracle.geometric(8 / 9, 7 / 8, 6 / 7, 5 / 6),
               rule="precisions are 8/9, 7/8, 6/7, 5/6 and there is no penalty: BLEU = 100 * (p1 * p2 * p3 * "
                    "p4) ** (1/4)")


def test_combine_zero_precision_gives_zero(check_bleu):
    """Combining precisions: one zero precision makes corpus BLEU 0 (no smoothing in a corpus)"""
    check_bleu(Call("corpus_bleu", _words("the cat is on the mat", "there is a dog in the garden"),
                    [_words("the cat sat on the mat"), _words("a dog is in the garden")]), 0.0,
               rule="the summed matches are 11, 6, 2, 0: no 4-gram matches anywhere, so p4 = 0 and corpus "
                    "BLEU is 0 (corpus_bleu does not smooth)")
    check_bleu(Call("corpus_bleu", [["the"] * 7], [_words("the cat is on the mat")]), 0.0,
               rule="no hypothesis bigram matches, so p2 = 0 and corpus BLEU is 0 (corpus_bleu does not smooth)")


def test_combine_order_without_ngrams_is_zero(check_bleu):
    """Combining precisions: corpus BLEU is 0 when no hypothesis has an n-gram of some order"""
    check_bleu(Call("corpus_bleu", _words("the cat"), [_words("the cat sat on the mat")]), 0.0,
               rule="the hypothesis has no 3-grams or 4-grams: in a corpus such an order has precision 0 "
                    "(there is no 'effective order' in corpus BLEU), so BLEU is 0.0")


def test_combine_perfect_match_is_100(check_bleu):
    """Combining precisions: a perfect translation scores 100 (BLEU is on the 0..100 scale)"""
    sentences = _words("the cat sat on the mat", "there is a dog in the garden")
    check_bleu(Call("corpus_bleu", sentences, [[s] for s in sentences]), 100.0, scale=True,
               rule="every precision is 1 and there is no penalty; BLEU is reported on the 0..100 scale, "
                    "like sacrebleu")


def test_combine_sentence_bleu_scale(check_bleu, oracle):
    """Combining precisions: sentence BLEU is 100 times the geometric mean too (the 0..100 scale)"""
    check_bleu(Call("sentence_bleu", "a b c d x y".split(), _words("a b c d e f")),
               100 * oracle.geometric(4 / 6, 3 / 5, 2 / 4, 1 / 3), scale=True,
               rule="every order has a match (4/6, 3/5, 2/4, 1/3), so nothing is smoothed, and there is no "
                    "penalty: sentence BLEU = 100 * (p1 * p2 * p3 * p4) ** (1/4), on the 0..100 scale")


# ---- other maximum orders (hidden) ---------------------------------------------------------

def _check_both(check_bleu, hypothesis, references, max_n, want, rule):
    check_bleu(Call("corpus_bleu", [hypothesis], [references], max_n=max_n), want, rule=rule)
    check_bleu(Call("sentence_bleu", hypothesis, references, max_n=max_n), want, rule=rule)


def test_combine_max_n_below_four(check_bleu, oracle):
    """Combining precisions: max_n = 1, 2, 3 use the geometric mean of that many precisions"""
    hypothesis, references = "a b c d x y".split(), _words("a b c d e f")
    for max_n, precisions in ((1, (4 / 6,)), (2, (4 / 6, 3 / 5)), (3, (4 / 6, 3 / 5, 2 / 4))):
        _check_both(check_bleu, hypothesis, references, max_n, 100 * oracle.geometric(*precisions),
                    f"precisions are 4/6, 3/5, 2/4, 1/3 for orders 1..4 and there is no penalty: with "
                    f"max_n={max_n} BLEU is 100 times the geometric mean of the first {max_n}, with weights "
                    f"1/{max_n}")


def test_combine_max_n_above_four(check_bleu, oracle):
    """Combining precisions: max_n = 5 and 6 take the 5-gram and 6-gram precisions into the mean"""
    hypothesis = "a b c d e f g x h".split()
    references = _words("a b c d e f g y h")
    for max_n in (5, 6):
        precisions = [(7 - n + 1) / (9 - n + 1) for n in range(1, max_n + 1)]
        precisions[0] = 8 / 9
        _check_both(check_bleu, hypothesis, references, max_n, 100 * oracle.geometric(*precisions),
                    f"precisions are 8/9, 6/8, 5/7, 4/6, 3/5, 2/4 for orders 1..6 and there is no penalty: with "
                    f"max_n={max_n} BLEU is 100 times the geometric mean of the first {max_n}")


def test_combine_random_sentences(check_bleu, rng, oracle, cases):
    """Combining precisions: random sentences with every order matched, max_n from 1 to 6"""
    checks = check_bleu.batch()
    for size in sizes(60, 12):
        max_n = rng.randint(1, 6)
        hypothesis, references = cases.matched_case(rng, size, max_n)
        want = oracle.corpus([hypothesis], [references], max_n)
        rule = (f"every order 1..{max_n} has a match and there is no penalty: BLEU = 100 times the "
                f"geometric mean of the {max_n} precisions, as sacrebleu computes it")
        _check_both(checks.add, hypothesis, references, max_n, want, rule)
    checks.run()
