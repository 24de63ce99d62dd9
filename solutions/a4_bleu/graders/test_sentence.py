"""Graders: sentence BLEU with sacrebleu's exp smoothing and effective order."""


def _words(*sentences):
    return [sentence.split() for sentence in sentences]


def _check_sentence(bleu, util, hypothesis, references, hint, want=None):
    call = util.call("sentence_bleu", hypothesis, references)
    got = util.number(bleu.sentence_bleu(hypothesis, references), call)
    if want is None:
        want = util.sacre_sentence(hypothesis, references)
    assert util.close(got, want), f"{call} returned {got:.6f}, expected {want:.6f}: {hint}"


def test_sentence_identical_is_100(bleu, util):
    """Sentence BLEU: a hypothesis equal to its reference scores 100"""
    hypothesis = "the cat sat on the mat".split()
    _check_sentence(bleu, util, hypothesis, [hypothesis],
                    "every precision is 1 and there is no penalty; BLEU is on the 0..100 scale",
                    want=100.0)


def test_sentence_exp_smoothing(bleu, util):
    """Sentence BLEU: exp smoothing halves the stand-in precision for each further unmatched order"""
    _check_sentence(bleu, util, ["the"] * 7, _words("the cat is on the mat"),
                    "p1 = 2/7; orders 2, 3, 4 have 6, 5, 4 n-grams and no match, so exp "
                    "smoothing uses 1/(2*6), 1/(4*5), 1/(8*4): the k-th unmatched order gets "
                    "1 / (2**k * total)")
    _check_sentence(bleu, util, "a b c x d".split(), _words("a b c d"),
                    "p1 = 4/5, p2 = 2/4, p3 = 1/3; order 4 has 2 n-grams and no match, so it "
                    "gets the smoothed precision 1/(2*2)")


def test_sentence_effective_order(bleu, util):
    """Sentence BLEU: orders for which the hypothesis has no n-gram are left out (effective order)"""
    _check_sentence(bleu, util, ["the", "cat"], _words("the cat sat on the mat"),
                    "a 2-word hypothesis has no 3-grams or 4-grams: average only over orders 1 "
                    "and 2 (both 100%), leaving the penalty exp(1 - 6/2)")
    _check_sentence(bleu, util, ["b", "a", "x"], _words("a b c"),
                    "a 3-word hypothesis has no 4-gram: use orders 1..3 only; p1 = 2/3 and "
                    "orders 2 and 3 have no match, so they get 1/(2*2) and 1/(4*1)")


def test_sentence_reference_examples(bleu, util):
    """Sentence BLEU: two everyday sentences"""
    pairs = [("the cat is on the mat", "the cat sat on the mat"),
             ("there is a dog in the garden", "a dog is in the garden")]
    for hypothesis, reference in pairs:
        _check_sentence(bleu, util, hypothesis.split(), [reference.split()],
                        "clipped precisions of orders 1..4, exp smoothing for orders without "
                        "a match, brevity penalty against the closest reference")


def test_sentence_multiple_references(bleu, util):
    """Sentence BLEU: several references (clipping by any one, closest length)"""
    _check_sentence(bleu, util, "the cat the cat sat on mat".split(),
                    _words("the cat sat on the mat", "a cat was on the mat", "the cat"),
                    "n-grams may match in any reference (clip by the largest count in one "
                    "reference) and the penalty uses the closest reference length")
    _check_sentence(bleu, util, "a b c d".split(), _words("a b c d e f", "x a b c"),
                    "the second reference has the hypothesis's length (4), so there is no "
                    "penalty, and every n-gram of the hypothesis occurs in the first reference: "
                    "n-grams may match in any reference", want=100.0)
    _check_sentence(bleu, util, "a b c d e".split(), _words("a b c d e f", "a b c d"),
                    "the references have 6 and 4 words, both 1 away from the 5-word hypothesis: "
                    "the tie goes to the shorter (4), so there is no brevity penalty", want=100.0)


def test_sentence_no_matching_word_is_zero(bleu, util):
    """Sentence BLEU: 0 when not a single word matches, even with smoothing"""
    _check_sentence(bleu, util, ["x", "y", "z"], _words("a b c"),
                    "when there is no match at any order, sacrebleu returns 0.0 without smoothing",
                    want=0.0)


def test_sentence_empty_hypothesis_is_zero(bleu, util):
    """Sentence BLEU: an empty hypothesis scores 0"""
    _check_sentence(bleu, util, [], _words("a b c"),
                    "an empty hypothesis has no n-grams at all: return 0.0 (no division by zero)",
                    want=0.0)


def test_sentence_random(bleu, util, rng):
    """Sentence BLEU: random hypotheses (1 to 14 words) with one to four references"""
    for size in util.sizes(100, 12):
        hypothesis, references = util.sentence_case(rng, size)
        _check_sentence(bleu, util, hypothesis, references,
                        "sacrebleu's sentence BLEU: clipped precisions, exp smoothing, effective "
                        "order, penalty against the closest reference")
