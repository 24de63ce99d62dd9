"""A4: BLEU, the metric machine translation is measured with.

Complete every function below (each body is ``raise NotImplementedError``). Read
``README.md`` first: it explains the ideas and shows worked examples.

Your numbers must agree with sacrebleu (the tool papers report their BLEU with), used on
text that is already split into tokens:

* ``corpus_bleu(...)`` must equal ``sacrebleu.corpus_bleu(..., tokenize="none",
  smooth_method="none", force=True).score`` and
* ``sentence_bleu(...)`` must equal ``sacrebleu.sentence_bleu(..., tokenize="none",
  smooth_method="exp").score``,

to within 1e-6. A sentence is a ``list[str]`` of tokens; tokens are compared as exact
strings. You may use the standard library (``collections.Counter``, ``math``) and numpy
or torch if you like (compute in Python floats or float64: float32 is not precise enough
for 1e-6 on a 0..100 scale), but do not call sacrebleu or nltk: the point is to build
BLEU yourself.

Rules that hold everywhere:

* Do not modify the lists you are given.
* Raise ``ValueError`` (with a message naming the argument) when ``n < 1`` or
  ``max_n < 1``, when ``corpus_bleu`` gets an empty corpus or a hypothesis without any
  reference, and when ``closest_ref_length`` gets no reference lengths. What happens with
  other odd input is up to you; the tests do not look at it.
* ``brevity_penalty(0, 0)`` is not tested either (the rule "0.0 for an empty hypothesis"
  and sacrebleu's formula disagree there, and it never changes a BLEU score: a corpus with
  no hypothesis words has no matches and scores 0.0 anyway).
"""

from __future__ import annotations

from collections import Counter


def ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    """Count the n-grams of a sentence.

    An n-gram is a tuple of n consecutive tokens; the result maps each n-gram to the number
    of times it occurs.

    >>> ngrams(["the", "cat", "the", "cat"], 2)
    Counter({('the', 'cat'): 2, ('cat', 'the'): 1})
    >>> ngrams(["the", "cat"], 1)
    Counter({('the',): 1, ('cat',): 1})

    Pitfalls:
    * the keys are tuples even for n = 1 (``('the',)``, not ``'the'``);
    * a sentence of L tokens has L - n + 1 n-grams: make sure the last one is counted;
    * a sentence shorter than n has none: return an empty ``Counter()``;
    * ``n < 1`` raises ValueError.
    """
    raise NotImplementedError


def precision_recall_f1(hypothesis: list[str], reference: list[str]) -> tuple[float, float, float]:
    """Unigram precision, recall and F1 of a hypothesis against ONE reference.

    A hypothesis word matches at most as many times as it occurs in the reference
    ("clipping"). With m such matches:
        precision = m / len(hypothesis), recall = m / len(reference),
        F1 = 2 * precision * recall / (precision + recall).
    Every 0/0 is 0.0 (empty sentences, no match at all).

    Example: hypothesis ``the the the``, reference ``the cat``: 'the' is once in the
    reference, so m = 1: precision 1/3, recall 1/2, F1 = 0.4.
    """
    raise NotImplementedError


def modified_precision(hypothesis: list[str], references: list[list[str]], n: int) -> tuple[int, int]:
    """Clipped n-gram matches of a hypothesis against its references: ``(matches, total)``.

    ``total`` is the number of n-grams in the hypothesis. Each distinct hypothesis n-gram
    contributes ``min(its count in the hypothesis, its LARGEST count in any one
    reference)`` to ``matches``. The precision is matches / total, but return the two
    integers: corpus BLEU adds them up over all sentences before dividing.

    Example, n = 1: hypothesis ``the the the the``, references ``the cat the`` and
    ``the dog``: 'the' is at most 2 times in one reference, so the result is (2, 4).

    Pitfalls:
    * the limit is the maximum over references, not their sum (that would be 3 above);
    * the maximum is taken for every n-gram separately: 'a' may take its limit from one
      reference and 'b' from another;
    * a hypothesis shorter than n gives (0, 0); ``n < 1`` raises ValueError.
    """
    raise NotImplementedError


def brevity_penalty(hyp_len: int, ref_len: int) -> float:
    """The brevity penalty: 1.0 if hyp_len > ref_len, else exp(1 - ref_len / hyp_len).

    Precision alone rewards short output, so a hypothesis shorter than its reference is
    multiplied by a number below 1. Equal lengths give exp(0) = 1.0; an empty hypothesis
    (hyp_len == 0) gets 0.0 instead of a division by zero.

    Example: ``brevity_penalty(4, 5) == exp(1 - 5/4) ≈ 0.7788``.
    """
    raise NotImplementedError


def closest_ref_length(hyp_len: int, ref_lens: list[int]) -> int:
    """The reference length closest to the hypothesis length; a tie goes to the shorter.

    Examples: ``closest_ref_length(7, [2, 8, 12]) == 8`` and ``closest_ref_length(5, [6, 4])
    == 4`` (4 and 6 are both 1 away: the shorter wins, whatever the order of the list).
    An empty ``ref_lens`` raises ValueError.
    """
    raise NotImplementedError


def corpus_bleu(hypotheses: list[list[str]], references: list[list[list[str]]], max_n: int = 4) -> float:
    """Corpus BLEU on the 0..100 scale.

    ``hypotheses[i]`` is the i-th translation; ``references[i]`` is the list of its one or
    more reference translations (so ``references[i][k]`` is a list of tokens).

    For every sentence collect: the clipped matches and totals of each order n = 1..max_n
    (``modified_precision``), the hypothesis length and the closest reference length.
    SUM each of these over the corpus, then
        p_n = summed matches_n / summed totals_n,
        BLEU = 100 * brevity_penalty(summed hyp lengths, summed closest ref lengths)
                   * (p_1 * p_2 * ... * p_max_n) ** (1 / max_n).
    No smoothing and no "effective order": if any p_n is 0 (no match, or no n-gram of that
    order in the whole corpus) the score is 0.0.

    Example: hypothesis ``a b c d x y`` with reference ``a b c d e f`` has p = 4/6, 3/5,
    2/4, 1/3 and no penalty: BLEU = 100 * (4/6 * 3/5 * 2/4 * 1/3) ** 0.25 ≈ 50.81.

    Pitfalls: this is not the mean of the sentence BLEUs; the geometric mean is not the
    arithmetic mean; the scale is 0..100, not 0..1. Raise ValueError for ``max_n < 1``,
    an empty corpus, or a hypothesis whose reference list is empty.
    """
    raise NotImplementedError


def sentence_bleu(hypothesis: list[str], references: list[list[str]], max_n: int = 4) -> float:
    """Sentence BLEU on the 0..100 scale, as sacrebleu computes it for one sentence.

    The same statistics as ``corpus_bleu`` for a single sentence, with two changes that
    keep short sentences from scoring 0 all the time:

    * effective order: only the orders n for which the hypothesis HAS n-grams take part
      (for a hypothesis of L words that is orders 1..min(max_n, L)), and the geometric mean
      is taken over that many precisions;
    * exp smoothing: among those orders, the k-th one (counting from n = 1) with no match
      uses the precision 1 / (2**k * total_n) instead of 0.

    If no n-gram matches at all (not even one unigram), the score is 0.0 without smoothing;
    an empty hypothesis scores 0.0 too.

    Example: ``the the the the the the the`` against ``the cat is on the mat``: p_1 = 2/7;
    orders 2, 3, 4 have 6, 5, 4 n-grams and no match, so they use 1/(2*6), 1/(4*5),
    1/(8*4); no penalty (7 words against 6): BLEU ≈ 7.8098.

    ``max_n < 1`` raises ValueError.
    """
    raise NotImplementedError
