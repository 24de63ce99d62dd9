"""Public tests for A4 (BLEU): small fixed examples you can also work out by hand.

The expected BLEU values were computed once with sacrebleu 2.6.0 on the same
whitespace-joined tokens, e.g.
    sacrebleu.sentence_bleu("the the the the the the the", ["the cat is on the mat"],
                            tokenize="none", smooth_method="exp").score
    sacrebleu.corpus_bleu(hyps, ref_streams, tokenize="none", smooth_method="none",
                          force=True).score
The hidden tests check the same ideas on many more (and random) inputs.
"""

import math

TOLERANCE = 1e-6


def words(*sentences):
    return [sentence.split() for sentence in sentences]


def as_float(value, call):
    if type(value).__module__.split(".")[0] in ("numpy", "torch"):
        value = value.item()
    assert isinstance(value, (int, float)) and not isinstance(value, bool), (
        f"{call} returned {value!r}; expected a number")
    return float(value)


def test_ngrams_counts_with_repeats(bleu):
    """Counting n-grams: tuples of consecutive tokens, the last one included"""
    got = bleu.ngrams(["the", "cat", "the", "cat"], 2)
    want = {("the", "cat"): 2, ("cat", "the"): 1}
    assert dict(got) == want, (
        f"ngrams(['the', 'cat', 'the', 'cat'], 2) returned {dict(got)}, expected {want}")
    got = bleu.ngrams(["a", "b"], 3)
    assert dict(got) == {}, f"ngrams(['a', 'b'], 3) returned {dict(got)}, expected an empty Counter"


def test_precision_recall_f1_clips(bleu):
    """Unigram P/R/F1: 'the the the' against 'the cat' has one clipped match"""
    call = "precision_recall_f1(['the', 'the', 'the'], ['the', 'cat'])"
    got = [as_float(x, call) for x in bleu.precision_recall_f1(["the", "the", "the"], ["the", "cat"])]
    want = [1 / 3, 1 / 2, 0.4]
    assert all(abs(g - w) < TOLERANCE for g, w in zip(got, want)), (
        f"{call} returned {got}, expected {want}: 'the' occurs once in the reference, so 1 match")


def test_modified_precision_max_in_one_reference(bleu):
    """Clipping: the limit is the largest count in any ONE reference"""
    call = "modified_precision(['the', 'the', 'the', 'the'], [['the', 'cat', 'the'], ['the', 'dog']], 1)"
    got = tuple(bleu.modified_precision(["the"] * 4, [["the", "cat", "the"], ["the", "dog"]], 1))
    assert got == (2, 4), f"{call} returned {got}, expected (2, 4): the limit is max(2, 1), not 2 + 1"


def test_closest_ref_length_tie(bleu):
    """Closest reference length: a tie goes to the shorter reference"""
    got = bleu.closest_ref_length(5, [6, 4])
    assert got == 4, f"closest_ref_length(5, [6, 4]) returned {got}, expected 4 (tie: the shorter)"


def test_brevity_penalty(bleu):
    """Brevity penalty: 1 when not shorter, exp(1 - r/h) when shorter, 0 when empty"""
    for hyp_len, ref_len, want in ((6, 5, 1.0), (5, 5, 1.0), (4, 5, math.exp(1 - 5 / 4)), (0, 5, 0.0)):
        call = f"brevity_penalty({hyp_len}, {ref_len})"
        got = as_float(bleu.brevity_penalty(hyp_len, ref_len), call)
        assert abs(got - want) < 1e-9, f"{call} returned {got}, expected {want}"


def test_corpus_bleu_identical_is_100(bleu):
    """Corpus BLEU: a perfect translation scores 100"""
    sentences = words("the cat sat on the mat", "there is a dog in the garden")
    got = as_float(bleu.corpus_bleu(sentences, [[s] for s in sentences]), "corpus_bleu(perfect corpus)")
    assert abs(got - 100.0) < TOLERANCE, f"corpus BLEU of a perfect corpus is {got}, expected 100.0 (0..100 scale)"


def test_corpus_bleu_sums_lengths(bleu):
    """Corpus BLEU: one brevity penalty from the summed lengths (10 words against 14)"""
    hyps = words("a b c d e f g h", "x y")
    refs = [words("a b c d e f g h"), words("x y z w v u")]
    got = as_float(bleu.corpus_bleu(hyps, refs), "corpus_bleu")
    want = 67.03200460356396  # sacrebleu; = 100 * exp(1 - 14/10)
    assert abs(got - want) < TOLERANCE, (
        f"corpus_bleu({hyps}, {refs}) returned {got:.6f}, expected {want:.6f}: all precisions are "
        f"100% and the penalty uses the corpus lengths")


def test_corpus_bleu_is_not_mean_of_sentences(bleu):
    """Corpus BLEU: counts are summed over sentences before taking precisions"""
    hyps = words("a b c d e f g h", "x y z w")
    refs = [words("a b c d e f g h"), words("x y z v")]
    got = as_float(bleu.corpus_bleu(hyps, refs), "corpus_bleu")
    want = 88.06841674939027  # sacrebleu
    assert abs(got - want) < TOLERANCE, (
        f"corpus_bleu({hyps}, {refs}) returned {got:.6f}, expected {want:.6f}: precisions are "
        f"11/12, 9/10, 7/8, 5/6 after summing over both sentences")


def test_corpus_bleu_zero_precision(bleu):
    """Corpus BLEU: no smoothing, so a corpus without any 4-gram match scores 0"""
    hyps = words("the cat is on the mat", "there is a dog in the garden")
    refs = [words("the cat sat on the mat"), words("a dog is in the garden")]
    got = as_float(bleu.corpus_bleu(hyps, refs), "corpus_bleu")
    assert abs(got) < TOLERANCE, (
        f"corpus_bleu({hyps}, {refs}) returned {got:.6f}, expected 0.0: the summed matches are "
        f"11, 6, 2, 0, and without smoothing p4 = 0 makes BLEU 0")


def test_sentence_bleu_smoothing_and_effective_order(bleu):
    """Sentence BLEU: exp smoothing and effective order, as in sacrebleu"""
    cases = [
        (["the"] * 7, words("the cat is on the mat"), 7.809849842300637),
        (["the", "cat"], words("the cat sat on the mat"), 13.533528323661276),
        (words("the cat is on the mat")[0], words("the cat sat on the mat"), 37.99178428257963),
        (words("there is a dog in the garden")[0], words("a dog is in the garden"), 32.17294420803808),
    ]
    for hyp, refs, want in cases:
        call = f"sentence_bleu({hyp}, {refs})"
        got = as_float(bleu.sentence_bleu(hyp, refs), call)
        assert abs(got - want) < TOLERANCE, f"{call} returned {got:.6f}, expected {want:.6f}"


def test_value_errors(bleu):
    """Argument validation: the listed bad arguments raise ValueError"""
    calls = [
        ("ngrams(['a'], 0)", lambda: bleu.ngrams(["a"], 0)),
        ("corpus_bleu([], [])", lambda: bleu.corpus_bleu([], [])),
        ("corpus_bleu([['a']], [[]])", lambda: bleu.corpus_bleu([["a"]], [[]])),
        ("closest_ref_length(3, [])", lambda: bleu.closest_ref_length(3, [])),
        ("sentence_bleu(['a'], [['a']], max_n=0)", lambda: bleu.sentence_bleu(["a"], [["a"]], max_n=0)),
    ]
    for text, call in calls:
        try:
            result = call()
        except ValueError:
            continue
        raise AssertionError(f"{text} returned {result!r}; it should raise ValueError")
