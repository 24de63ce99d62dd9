"""Graders: counting n-grams, unigram precision / recall / F1, clipped n-gram precision.

The first clipping test also records, for the report's picture, the student's clipped
precisions and brevity penalty on a small fixed corpus beside sacrebleu's (``bleu_precisions``):
calls made after its checks, whose outcome never changes the verdict.
"""


from autograder.remote import StudentCrash, StudentError, StudentTimeout
from autograder.toolkit.pictures import drawn_after
from autograder.toolkit import (
    Call,
    counter,
    expect_equal,
    expect_numbers_close,
    expect_raises,
    integer,
    number,
    sequence,
    sizes,
    trusted,
)

NGRAMS_RULE = "an n-gram is a tuple of n consecutive tokens (a 1-tuple such as ('the',) for n = 1); each is counted " \
              "as often as it occurs"


def _nonzero(value):
    return {key: count for key, count in value.items() if count}


# ---- ngrams ------------------------------------------------------------------------------

def _ngrams(bleu, tokens, n):
    call = Call("ngrams", tokens, n)
    return counter(call.run(bleu), call), call


def _check_ngrams(bleu, mistakes, tokens, n, want, rule=NGRAMS_RULE):
    got, call = _ngrams(bleu, tokens, n)
    expect_equal(got, want, call, rule=rule, mistakes=mistakes, normalize=_nonzero)


def test_ngrams_unigrams_and_bigrams(bleu, mistakes):
    """Counting n-grams: unigram and bigram counts of a sentence with repeats"""
    tokens = ["the", "cat", "the", "cat"]
    _check_ngrams(bleu, mistakes, tokens, 1, {("the",): 2, ("cat",): 2})
    _check_ngrams(bleu, mistakes, tokens, 2, {("the", "cat"): 2, ("cat", "the"): 1})


def test_ngrams_include_the_last_ngram(bleu, mistakes, oracle):
    """Counting n-grams: the n-gram that ends the sentence is counted"""
    for tokens, n in ((["a", "b", "c", "d"], 2), (["a", "b", "c", "d"], 4), (["x", "y", "x"], 2)):
        got, call = _ngrams(bleu, tokens, n)
        last = tuple(tokens[-n:])
        want = oracle.ngrams(tokens, n)

        def same(answer, correct, last=last):
            return answer.get(last, 0) == correct.get(last, 0)

        expect_equal(got, want, call, rule=f"a sentence of L tokens has L - n + 1 n-grams; the last one, "
                                           f"{last}, counts {want[last]} time(s)",
                     mistakes=mistakes, normalize=_nonzero, same=same)


def test_ngrams_sentence_shorter_than_n(bleu, mistakes):
    """Counting n-grams: a sentence shorter than n has no n-grams (an empty Counter)"""
    rule = "with fewer than n tokens there is no n-gram at all: the Counter is empty"
    _check_ngrams(bleu, mistakes, ["a", "b"], 3, {}, rule)
    _check_ngrams(bleu, mistakes, ["a"], 2, {}, rule)
    _check_ngrams(bleu, mistakes, [], 1, {}, rule)


def test_ngrams_random_sentences(bleu, mistakes, rng, oracle, cases):
    """Counting n-grams: random sentences and orders 1 to 5"""
    for size in sizes(40, 12):
        tokens = cases.sentence(rng, cases.words[:rng.randint(2, 5)], 0, size + 1)
        n = rng.randint(1, 5)
        _check_ngrams(bleu, mistakes, tokens, n, oracle.ngrams(tokens, n),
                      "count every window tokens[i:i+n] for i = 0 .. L-n, as a tuple")


def test_ngrams_n_below_one(bleu, mistakes):
    """Counting n-grams: n < 1 raises ValueError"""
    for n in (0, -1):
        call = Call("ngrams", ["a", "b"], n)
        expect_raises(ValueError, bleu.ngrams, call, rule="there are no 0-grams: n must be at least 1",
                      mistakes=mistakes)


# ---- precision_recall_f1 -------------------------------------------------------------

def _prf(bleu, hypothesis, reference):
    call = Call("precision_recall_f1", hypothesis, reference)
    got = tuple(number(x, call) for x in sequence(call.run(bleu), call, 3))
    return got, call


def _check_prf(bleu, mistakes, hypothesis, reference, want, rule, parts=(0, 1, 2)):
    """Compare the parts (0: precision, 1: recall, 2: F1) that the test's rule is about."""
    got, call = _prf(bleu, hypothesis, reference)

    def same(answer, correct):
        try:
            return all(abs(float(answer[i]) - float(correct[i])) <= 1e-6 for i in parts)
        except (TypeError, ValueError, IndexError):
            return False

    expect_equal(got, tuple(want), call, rule=rule, mistakes=mistakes, normalize=tuple, same=same)


def test_prf_precision_and_recall_denominators(bleu, mistakes):
    """Unigram P/R/F1: precision divides the matches by the hypothesis length, recall by the reference length"""
    rule = "precision = matches / len(hypothesis), recall = matches / len(reference) (the first two numbers)"
    _check_prf(bleu, mistakes, ["a", "b"], ["a", "b", "c", "d"], (1.0, 0.5, 2 / 3), rule, parts=(0, 1))
    _check_prf(bleu, mistakes, ["a", "b", "c", "x"], ["c", "a"], (0.5, 1.0, 2 / 3), rule, parts=(0, 1))


def test_prf_clipped_matches(bleu, mistakes):
    """Unigram P/R/F1: a repeated word matches at most as often as it is in the reference"""
    rule = ("a hypothesis word matches at most as many times as it occurs in the reference: here 'the' "
            "matches once and 'cat' once, 2 matches")
    _check_prf(bleu, mistakes, ["the", "the", "cat"], ["the", "cat", "dog"], (2 / 3, 2 / 3, 2 / 3), rule)
    _check_prf(bleu, mistakes, ["a", "a", "a", "b"], ["a", "b", "b", "c"], (0.5, 0.5, 0.5),
               "a hypothesis word matches at most as many times as it occurs in the reference: 'a' "
               "matches once and 'b' once, 2 matches")


def test_prf_f1_harmonic_mean(bleu, mistakes):
    """Unigram P/R/F1: F1 is the harmonic mean 2pr / (p + r)"""
    rule = "F1 = 2 * precision * recall / (precision + recall) (the third number)"
    _check_prf(bleu, mistakes, ["a", "b"], ["a", "b", "c", "d"], (1.0, 0.5, 2 / 3), rule, parts=(2,))
    _check_prf(bleu, mistakes, ["a", "x", "y", "z"], ["a", "b"], (0.25, 0.5, 1 / 3), rule, parts=(2,))


def test_prf_zero_divisions_are_zero(bleu, mistakes):
    """Unigram P/R/F1: no match or an empty sentence gives 0.0, not an error"""
    rule = "every 0/0 is 0.0 (F1 is 0.0 when precision + recall is 0)"
    _check_prf(bleu, mistakes, ["x", "y"], ["a", "b"], (0.0, 0.0, 0.0), rule)
    _check_prf(bleu, mistakes, [], ["a"], (0.0, 0.0, 0.0), rule)
    _check_prf(bleu, mistakes, ["a"], [], (0.0, 0.0, 0.0), rule)
    _check_prf(bleu, mistakes, [], [], (0.0, 0.0, 0.0), rule)


def test_prf_random_pairs(bleu, mistakes, rng, oracle, cases):
    """Unigram P/R/F1: random sentence pairs"""
    for size in sizes(40, 12):
        hypothesis, references = cases.sentence_case(rng, size, max_refs=1)
        reference = references[0]
        got, call = _prf(bleu, hypothesis, reference)
        expect_numbers_close(got, oracle.prf(hypothesis, reference), call, mistakes=mistakes,
                             rule="matches = sum over words of min(count in hypothesis, count in reference); "
                                  "p = matches / len(hypothesis), r = matches / len(reference), F1 = 2pr/(p+r)")


# ---- modified_precision (clipping) ---------------------------------------------------

def _clipped(bleu, mistakes, hypothesis, references, n):
    call = Call("modified_precision", hypothesis, references, n)
    with trusted(bleu, mistakes, "ngrams"):  # a wrong ngrams is charged under n-grams only
        got = tuple(integer(x, call) for x in sequence(call.run(bleu), call, 2))
    return got, call


def _check_clipped(bleu, mistakes, hypothesis, references, n, want, rule, part=None):
    """Compare (matches, total), or only ``part`` (0: matches, 1: total) of it."""
    got, call = _clipped(bleu, mistakes, hypothesis, references, n)

    def same(answer, correct):
        try:
            return tuple(answer) == tuple(correct) if part is None else answer[part] == correct[part]
        except (TypeError, IndexError):
            return False

    expect_equal(got, tuple(want), call, rule=rule, mistakes=mistakes, normalize=tuple, same=same)


def test_clipping_ordinary_sentence(bleu, mistakes, oracle, record):
    """Clipping: (matches, total) of a hypothesis without repeated words"""
    hypothesis = ["the", "cat", "sat", "on", "a", "mat"]
    references = [["the", "cat", "is", "on", "the", "mat"]]
    with drawn_after(lambda: record("bleu_precisions", _precisions_picture(bleu, mistakes, oracle))):
        _check_clipped(bleu, mistakes, hypothesis, references, 1, (4, 6),
                       "4 of the 6 hypothesis words occur in the reference: (matches, total) = (4, 6)")
        _check_clipped(bleu, mistakes, hypothesis, references, 2, (1, 5),
                       "of the 5 hypothesis bigrams only ('the', 'cat') occurs in the reference: (1, 5)")


def test_clipping_repeated_word(bleu, mistakes):
    """Clipping: a repeated word matches at most as often as it occurs in the reference"""
    _check_clipped(bleu, mistakes, ["the"] * 7, [["the", "cat", "is", "on", "the", "mat"]], 1, (2, 7),
                   "'the' is twice in the reference, so at most 2 of the 7 'the's match (the first number)",
                   part=0)


def test_clipping_total_counts_repeats(bleu, mistakes):
    """Clipping: the total is the number of hypothesis n-grams, repeats included"""
    rule = "the total (the second number) counts every n-gram of the hypothesis: L - n + 1 of them"
    _check_clipped(bleu, mistakes, ["a", "a", "b", "a", "a"], [["a", "b"]], 1, (2, 5), rule, part=1)
    _check_clipped(bleu, mistakes, ["a", "a", "b", "a", "a"], [["a", "b"]], 2, (1, 4), rule, part=1)


def test_clipping_max_in_one_reference(bleu, mistakes):
    """Clipping: the limit is the largest count in any ONE reference, not the sum over references"""
    _check_clipped(bleu, mistakes, ["the", "the", "the", "the"], [["the", "cat", "the"], ["the", "dog"]], 1, (2, 4),
                   "'the' is 2 times in the first reference and once in the second: at most max(2, 1) = 2 "
                   "of the hypothesis's 'the's match (the first number)", part=0)
    _check_clipped(bleu, mistakes, ["a", "a", "a"], [["a", "b"], ["a", "c"], ["a", "d"]], 1, (1, 3),
                   "'a' is once in each reference: at most max(1, 1, 1) = 1 'a' matches (the first number)",
                   part=0)


def test_clipping_limit_per_ngram(bleu, mistakes):
    """Clipping: each n-gram takes its limit from the reference where it is most frequent"""
    _check_clipped(bleu, mistakes, ["a", "a", "b", "b"], [["a", "a", "c"], ["b", "b", "c"]], 1, (4, 4),
                   "'a' may match twice (first reference) and 'b' twice (second reference): the limit is "
                   "taken for every n-gram separately (the first number)", part=0)


def test_clipping_higher_orders(bleu, mistakes):
    """Clipping: bigram and trigram matches are clipped too"""
    hypothesis = ["a", "b", "a", "b", "a"]
    references = [["a", "b", "c", "a", "b"]]
    _check_clipped(bleu, mistakes, hypothesis, references, 2, (2, 4),
                   "hypothesis bigrams: (a, b) twice, (b, a) twice; the reference has (a, b) twice and no "
                   "(b, a): 2 matches (the first number)", part=0)
    _check_clipped(bleu, mistakes, hypothesis, references, 3, (0, 3),
                   "no hypothesis trigram occurs in the reference: 0 matches (the first number)", part=0)
    _check_clipped(bleu, mistakes, ["a", "b"], [["a", "b", "c"]], 3, (0, 0),
                   "a 2-word hypothesis has no trigram: (0, 0)")


def test_clipping_random(bleu, mistakes, rng, oracle, cases):
    """Clipping: random hypotheses with one reference, orders 1 to 4"""
    for size in sizes(50, 12):
        hypothesis, references = cases.sentence_case(rng, size, max_refs=1)
        n = rng.randint(1, 4)
        _check_clipped(bleu, mistakes, hypothesis, references, n, oracle.clipped(hypothesis, references, n),
                       "matches = sum over hypothesis n-grams of min(count, count in the reference); "
                       "total = number of hypothesis n-grams")


def test_clipping_random_several_references(bleu, mistakes, rng, oracle, cases):
    """Clipping: random hypotheses whose repeated word occurs in several references"""
    for size in sizes(30, 8):
        word = rng.choice(cases.words)
        others = [w for w in cases.words if w != word]
        # The references hold `word` 1, 2, ... times; the hypothesis repeats it more often
        # than all of them together, and the reference closest in length is not the one
        # with the most.
        choices = range(1, 4 + size // 2)
        counts = rng.sample(choices, min(len(choices), rng.randint(2, 3)))
        references = []
        for count in counts:
            reference = [word] * count + rng.sample(others, rng.randint(1, 3))
            rng.shuffle(reference)
            references.append(reference)
        hypothesis = [word] * (sum(counts) + rng.randint(1, 2)) + rng.sample(others, rng.randint(0, 3))
        rng.shuffle(hypothesis)
        richest = max(range(len(counts)), key=lambda i: counts[i])
        references[richest] += [w for w in others[:3]] * 3  # far longer than the hypothesis
        _check_clipped(bleu, mistakes, hypothesis, references, 1, oracle.clipped(hypothesis, references, 1),
                       "each n-gram is credited at most as often as it occurs in any ONE reference "
                       "(the largest count), taken for every n-gram separately")


def test_clipping_n_below_one(bleu, mistakes):
    """Clipping: modified_precision with n < 1 raises ValueError"""
    call = Call("modified_precision", ["a"], [["a"]], 0)
    with trusted(bleu, mistakes, "ngrams"):
        expect_raises(ValueError, bleu.modified_precision, call, rule="n must be at least 1", mistakes=mistakes)


# ---- the report's picture: the student's precisions and penalty beside sacrebleu's ------------

PICTURE_HYPOTHESES = [["the", "the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "in", "the", "garden"]]
PICTURE_REFERENCES = [[["the", "cat", "sat", "on", "the", "mat"], ["there", "is", "a", "cat", "on", "the", "mat"]],
                      [["a", "dog", "is", "playing", "in", "the", "garden"]]]
"""A repeated word (clipped by its largest count in ONE reference), two references, and
hypotheses shorter than their closest references (a brevity penalty below 1)."""
ORDERS = 4


def _whole(value):
    """A count from what a student function returned (a whole number up to 10**9), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10**9:
        return None
    return int(value) if float(value).is_integer() else None


def _student_counts(bleu, mistakes, hypotheses, references, n):
    """(matches, total) of order n summed over the corpus from the student's
    modified_precision (with a correct ngrams, as this concept is graded), or (None, None)
    when a call gives no pair of counts."""
    matches = total = 0
    with trusted(bleu, mistakes, "ngrams"):
        for hypothesis, refs in zip(hypotheses, references):
            try:
                answer = bleu.modified_precision(hypothesis, refs, n)
            except (StudentCrash, StudentTimeout):
                raise
            except StudentError:
                return None, None
            pair = [_whole(x) for x in answer] if isinstance(answer, (list, tuple)) and len(answer) == 2 else None
            if pair is None or None in pair:
                return None, None
            matches, total = matches + pair[0], total + pair[1]
    return matches, total


def _student_penalty(bleu, hyp_len, ref_len):
    """The student's brevity_penalty(hyp_len, ref_len), or None when it is not a number."""
    try:
        value = bleu.brevity_penalty(hyp_len, ref_len)
    except (StudentCrash, StudentTimeout):
        raise
    except StudentError:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) < 1e9:
        return None
    return float(value)


def _precisions_picture(bleu, mistakes, oracle):
    """The ``bleu_precisions`` record: the corpus's clipped matches and totals per order and
    its brevity penalty, from the student's modified_precision and brevity_penalty and from
    sacrebleu."""
    hypotheses, references = PICTURE_HYPOTHESES, PICTURE_REFERENCES
    hyp_len = sum(len(h) for h in hypotheses)
    ref_len = sum(oracle.closest(len(h), [len(r) for r in refs]) for h, refs in zip(hypotheses, references))
    counts = [_student_counts(bleu, mistakes, hypotheses, references, n) for n in range(1, ORDERS + 1)]
    matches, totals, penalty = oracle.parts(hypotheses, references, ORDERS)
    return {"hypotheses": [" ".join(h) for h in hypotheses],
            "references": [[" ".join(r) for r in refs] for refs in references],
            "yours": {"matches": [m for m, _ in counts], "totals": [t for _, t in counts],
                      "brevity_penalty": _student_penalty(bleu, hyp_len, ref_len)},
            "sacrebleu": {"matches": matches, "totals": totals, "brevity_penalty": penalty}}
