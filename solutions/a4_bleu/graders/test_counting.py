"""Graders: counting n-grams, unigram precision / recall / F1, clipped n-gram precision."""


# ---- ngrams ------------------------------------------------------------------------------

def _check_ngrams(bleu, util, tokens, n, want, hint):
    call = util.call("ngrams", tokens, n)
    got = util.counter(bleu.ngrams(tokens, n), call)
    assert got == want, f"{call} returned {got}, expected {want}: {hint}"


def test_ngrams_unigrams_and_bigrams(bleu, util):
    """Counting n-grams: unigram and bigram counts of a sentence with repeats"""
    tokens = ["the", "cat", "the", "cat"]
    hint = "n-grams are tuples of n consecutive tokens, counted as often as they occur"
    _check_ngrams(bleu, util, tokens, 1, {("the",): 2, ("cat",): 2}, hint)
    _check_ngrams(bleu, util, tokens, 2, {("the", "cat"): 2, ("cat", "the"): 1}, hint)


def test_ngrams_include_the_last_ngram(bleu, util):
    """Counting n-grams: the n-gram that ends the sentence is counted"""
    hint = "a sentence of L tokens has L - n + 1 n-grams; does your loop stop one window early?"
    _check_ngrams(bleu, util, ["a", "b", "c", "d"], 2, {("a", "b"): 1, ("b", "c"): 1, ("c", "d"): 1}, hint)
    _check_ngrams(bleu, util, ["a", "b", "c", "d"], 4, {("a", "b", "c", "d"): 1}, hint)
    _check_ngrams(bleu, util, ["x"], 1, {("x",): 1}, hint)


def test_ngrams_sentence_shorter_than_n(bleu, util):
    """Counting n-grams: a sentence shorter than n has no n-grams (an empty Counter)"""
    hint = "with fewer than n tokens there is no n-gram at all: return an empty Counter"
    _check_ngrams(bleu, util, ["a", "b"], 3, {}, hint)
    _check_ngrams(bleu, util, [], 1, {}, hint)


def test_ngrams_random_sentences(bleu, util, rng):
    """Counting n-grams: random sentences and orders 1 to 5"""
    for size in util.sizes(40, 12):
        tokens = util.sentence(rng, ["a", "b", "c", "d", "e"][:rng.randint(2, 5)], 0, size + 1)
        n = rng.randint(1, 5)
        _check_ngrams(bleu, util, tokens, n, util.count_ngrams(tokens, n),
                      "count every window tokens[i:i+n] for i = 0 .. L-n, as a tuple")


# ---- precision_recall_f1 -------------------------------------------------------------

def _check_prf(bleu, util, hypothesis, reference, want, hint):
    call = util.call("precision_recall_f1", hypothesis, reference)
    got = [util.number(x, call) for x in util.pair_or_triple(bleu.precision_recall_f1(hypothesis, reference), 3, call)]
    names = ("precision", "recall", "F1")
    for name, g, w in zip(names, got, want):
        assert util.close(g, w), (
            f"{call} returned (precision, recall, F1) = ({got[0]:.6f}, {got[1]:.6f}, {got[2]:.6f}), "
            f"expected ({want[0]:.6f}, {want[1]:.6f}, {want[2]:.6f}); the {name} is wrong: {hint}")


def test_prf_clipped_matches(bleu, util):
    """Unigram P/R/F1: a repeated word matches at most as often as it is in the reference"""
    _check_prf(bleu, util, ["the", "the", "the"], ["the", "cat"], (1 / 3, 1 / 2, 0.4),
               "'the' occurs once in the reference, so only 1 of the 3 hypothesis words matches "
               "(clip each word's count by its count in the reference)")


def test_prf_precision_and_recall_denominators(bleu, util):
    """Unigram P/R/F1: precision divides by the hypothesis length, recall by the reference length"""
    _check_prf(bleu, util, ["a", "b"], ["a", "b", "c", "d"], (1.0, 0.5, 2 / 3),
               "2 matches: precision = 2/len(hypothesis), recall = 2/len(reference), "
               "F1 = 2*p*r/(p+r)")
    _check_prf(bleu, util, ["a", "b", "c", "x"], ["c", "a"], (0.5, 1.0, 2 / 3),
               "2 matches: precision = 2/len(hypothesis), recall = 2/len(reference), "
               "F1 = 2*p*r/(p+r)")


def test_prf_zero_divisions_are_zero(bleu, util):
    """Unigram P/R/F1: no match or an empty sentence gives 0.0, not an error"""
    hint = "every 0/0 is defined as 0.0 (and F1 is 0.0 when precision + recall is 0)"
    _check_prf(bleu, util, ["x", "y"], ["a", "b"], (0.0, 0.0, 0.0), hint)
    _check_prf(bleu, util, [], ["a"], (0.0, 0.0, 0.0), hint)
    _check_prf(bleu, util, ["a"], [], (0.0, 0.0, 0.0), hint)
    _check_prf(bleu, util, [], [], (0.0, 0.0, 0.0), hint)


def test_prf_random_pairs(bleu, util, rng):
    """Unigram P/R/F1: random sentence pairs"""
    for size in util.sizes(40, 12):
        hypothesis, references = util.sentence_case(rng, size, max_refs=1)
        reference = references[0]
        _check_prf(bleu, util, hypothesis, reference, util.unigram_prf(hypothesis, reference),
                   "matches = sum over words of min(count in hypothesis, count in reference)")


# ---- modified_precision (clipping) ---------------------------------------------------

def _check_clipped(bleu, util, hypothesis, references, n, want, hint):
    call = util.call("modified_precision", hypothesis, references, n)
    got = util.pair_or_triple(bleu.modified_precision(hypothesis, references, n), 2, call)
    got = tuple(util.integer(x, call) for x in got)
    assert got == tuple(want), f"{call} returned (matches, total) = {got}, expected {tuple(want)}: {hint}"


def test_clipping_repeated_word(bleu, util):
    """Clipping: a repeated word counts at most as often as it occurs in the reference"""
    _check_clipped(bleu, util, ["the"] * 7, [["the", "cat", "is", "on", "the", "mat"]], 1, (2, 7),
                   "'the' is twice in the reference, so at most 2 of the 7 'the's match; "
                   "the total is the number of hypothesis n-grams")


def test_clipping_max_in_one_reference(bleu, util):
    """Clipping: the limit is the largest count in any ONE reference, not the sum over references"""
    _check_clipped(bleu, util, ["the", "the", "the", "the"], [["the", "cat", "the"], ["the", "dog"]], 1, (2, 4),
                   "'the' is 2 times in the first reference and once in the second: the clip "
                   "limit is max(2, 1) = 2, not 2 + 1 = 3")
    _check_clipped(bleu, util, ["a", "a", "a"], [["a", "b"], ["a", "c"], ["a", "d"]], 1, (1, 3),
                   "'a' is once in each reference: the clip limit is max(1, 1, 1) = 1, not 3")


def test_clipping_limit_per_ngram(bleu, util):
    """Clipping: each n-gram takes its limit from the reference where it is most frequent"""
    _check_clipped(bleu, util, ["a", "a", "b", "b"], [["a", "a", "c"], ["b", "b", "c"]], 1, (4, 4),
                   "'a' may match twice (first reference) and 'b' twice (second reference): "
                   "the maximum is taken separately for every n-gram, not from one chosen reference")


def test_clipping_higher_orders(bleu, util):
    """Clipping: bigram and trigram matches are clipped too"""
    hypothesis = ["a", "b", "a", "b", "a"]
    references = [["a", "b", "c", "a", "b"]]
    _check_clipped(bleu, util, hypothesis, references, 2, (2, 4),
                   "hypothesis bigrams: (a,b) x2, (b,a) x2; the reference has (a,b) twice and no (b,a)")
    _check_clipped(bleu, util, hypothesis, references, 3, (0, 3),
                   "no hypothesis trigram occurs in the reference; the hypothesis has 3 trigrams")
    _check_clipped(bleu, util, ["a", "b"], [["a", "b", "c"]], 3, (0, 0),
                   "a 2-word hypothesis has no trigram: (0, 0)")


def test_clipping_random(bleu, util, rng):
    """Clipping: random hypotheses with one to four references, orders 1 to 4"""
    for size in util.sizes(60, 12):
        hypothesis, references = util.sentence_case(rng, size)
        n = rng.randint(1, 4)
        _check_clipped(bleu, util, hypothesis, references, n, util.sacre_counts(hypothesis, references, n),
                       "matches = sum over hypothesis n-grams of min(count, max count in any one "
                       "reference); total = number of hypothesis n-grams")
