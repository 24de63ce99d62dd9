"""Graders: sentence BLEU with sacrebleu's exp smoothing and effective order.

Every call runs with correct ngrams, modified_precision, closest_ref_length and
brevity_penalty (see conftest.py); how the precisions are combined (geometric mean, the
0..100 scale) is graded under 'combination'.
"""

from autograder.toolkit import Call, expect_raises, sizes, trusted

UPSTREAM = ("ngrams", "modified_precision", "closest_ref_length", "brevity_penalty")


def _words(*sentences):
    return [sentence.split() for sentence in sentences]


def _check(check_bleu, oracle, hypothesis, references, rule, want=None):
    if want is None:
        want = oracle.sentence(hypothesis, references)
    check_bleu(Call("sentence_bleu", hypothesis, references), want, rule=rule)


def test_sentence_penalty_when_all_match(check_bleu, oracle):
    """Sentence BLEU: a hypothesis whose n-grams all match scores 100 times its brevity penalty"""
    _check(check_bleu, oracle, "a b c d".split(), _words("a b c d e f"),
           "every n-gram of the hypothesis occurs in the reference (all precisions are 1); 4 words against 6: "
           "BLEU = 100 * brevity_penalty(4, 6)")


def test_sentence_exp_smoothing(check_bleu, oracle):
    """Sentence BLEU: exp smoothing gives the k-th unmatched order the precision 1 / (2**k * total)"""
    _check(check_bleu, oracle, ["the"] * 7, _words("the cat is on the mat"),
           "p1 = 2/7; orders 2, 3, 4 have 6, 5, 4 n-grams and no match, so they use 1/(2*6), 1/(4*5), "
           "1/(8*4): the k-th unmatched order gets 1 / (2**k * total); no penalty (7 words against 6)")
    _check(check_bleu, oracle, "a b c x d".split(), _words("a b c d"),
           "p1 = 4/5, p2 = 2/4, p3 = 1/3; order 4 has 2 n-grams and no match, so it gets 1/(2*2); no penalty")


def test_sentence_effective_order(check_bleu, oracle):
    """Sentence BLEU: orders for which the hypothesis has no n-gram are left out (effective order)"""
    _check(check_bleu, oracle, ["the", "cat"], _words("the cat", "the cat sat on the mat"),
           "a 2-word hypothesis has no 3-grams or 4-grams: the mean is taken over orders 1 and 2 only "
           "(both 100%), and the closest reference has 2 words: BLEU = 100", want=100.0)
    _check(check_bleu, oracle, ["b", "c", "d"], _words("x y", "a b c d e"),
           "a 3-word hypothesis has no 4-gram: orders 1..3 only, all matched, and the closest reference "
           "(2 words) is not longer: BLEU = 100", want=100.0)


def test_sentence_matches_in_any_reference(check_bleu, oracle):
    """Sentence BLEU: n-grams may match in any of the references"""
    _check(check_bleu, oracle, "the cat the cat sat on mat".split(),
           _words("the cat sat on the mat", "a cat was on the mat", "the cat"),
           "each n-gram is clipped by its largest count in any one reference, and every reference takes part")
    _check(check_bleu, oracle, "a b c d e".split(), _words("a b c d", "b c d e"),
           "'a b c d' matches in the first reference and 'b c d e' in the second: every n-gram of the "
           "hypothesis matches in some reference, and the closest reference has 4 words: BLEU = 100",
           want=100.0)


def test_sentence_closest_reference_length(check_bleu, oracle):
    """Sentence BLEU: the brevity penalty uses the reference length closest to the hypothesis"""
    _check(check_bleu, oracle, "a b c d".split(), _words("a b c d e f", "x a b c"),
           "the second reference has the hypothesis's length (4), so there is no penalty, and every n-gram "
           "of the hypothesis occurs in the first reference: BLEU = 100", want=100.0)
    _check(check_bleu, oracle, "a b c d e".split(), _words("a b c d e f", "a b c d"),
           "the references have 6 and 4 words, both 1 away from the 5-word hypothesis: the tie goes to the "
           "shorter (4), so there is no penalty: BLEU = 100", want=100.0)


def test_sentence_reference_examples(check_bleu, oracle):
    """Sentence BLEU: two everyday sentences"""
    for hypothesis, reference in (("the cat is on the mat", "the cat sat on the mat"),
                                  ("there is a dog in the garden", "a dog is in the garden")):
        _check(check_bleu, oracle, hypothesis.split(), [reference.split()],
               "clipped precisions of orders 1..4, exp smoothing for an order with n-grams but no match, "
               "brevity penalty against the closest reference (sacrebleu's sentence BLEU)")


def test_sentence_identical_is_100(check_bleu, oracle):
    """Sentence BLEU: a hypothesis equal to its reference scores 100"""
    hypothesis = "the cat sat on the mat".split()
    _check(check_bleu, oracle, hypothesis, [hypothesis],
           "every precision is 1 and there is no penalty: BLEU = 100", want=100.0)


def test_sentence_no_matching_word_is_zero(check_bleu, oracle):
    """Sentence BLEU: 0 when not a single word matches, even with smoothing"""
    _check(check_bleu, oracle, ["x", "y", "z"], _words("a b c"),
           "when no n-gram of any order matches, sentence BLEU is 0.0 (sacrebleu does not smooth then)",
           want=0.0)


def test_sentence_empty_hypothesis_is_zero(check_bleu, oracle):
    """Sentence BLEU: an empty hypothesis scores 0"""
    _check(check_bleu, oracle, [], _words("a b c"),
           "an empty hypothesis has no n-grams at all: BLEU is 0.0 (no division by zero)", want=0.0)


def test_sentence_random(check_bleu, rng, oracle, cases):
    """Sentence BLEU: random hypotheses of 4 to 14 words with one to four references"""
    checks = check_bleu.batch()
    for size in sizes(60, 12):
        hypothesis, references = cases.sentence_case(rng, size, min_hyp_len=4)
        _check(checks.add, oracle, hypothesis, cases.longest_first(references),
               "sacrebleu's sentence BLEU: clipped precisions, exp smoothing, penalty against the closest "
               "reference")
    checks.run()


def test_sentence_random_many(check_bleu, rng, oracle, cases):
    """Sentence BLEU: more random hypotheses of 4 words or more"""
    checks = check_bleu.batch()
    for size in sizes(120, 14):
        hypothesis, references = cases.sentence_case(rng, size, min_hyp_len=4)
        _check(checks.add, oracle, hypothesis, cases.longest_first(references),
               "sacrebleu's sentence BLEU: clipped precisions, exp smoothing, penalty against the closest "
               "reference")
    checks.run()


def test_sentence_random_short(check_bleu, rng, oracle, cases):
    """Sentence BLEU: random hypotheses of one to three words (effective order)"""
    checks = check_bleu.batch()
    for size in sizes(80, 10):
        hypothesis, references = cases.slice_case(rng, size, min_len=1, max_len=3)
        _check(checks.add, oracle, hypothesis, references,
               f"a {len(hypothesis)}-word hypothesis uses orders 1..{len(hypothesis)} only (here all matched), "
               f"times the brevity penalty against the closest reference")
    checks.run()


def test_sentence_max_n_below_one(bleu, mistakes):
    """Sentence BLEU: max_n < 1 raises ValueError"""
    call = Call("sentence_bleu", ["a", "b"], [["a", "b"]], max_n=0)
    with trusted(bleu, mistakes, *UPSTREAM):
        expect_raises(ValueError, bleu.sentence_bleu, call, mistakes=mistakes,
                      rule="BLEU needs at least one n-gram order: max_n must be at least 1")
