"""Fixtures of the A4 (BLEU) graders: the student's module, the oracles and the case
generators. Every check goes through the graders' toolkit (``autograder.toolkit``).

How the concepts are kept apart (one mistake is charged once, in its own concept):

* ``modified_precision`` runs with a correct ``ngrams``; ``corpus_bleu`` and
  ``sentence_bleu`` run with correct ``ngrams``, ``modified_precision``,
  ``closest_ref_length`` and ``brevity_penalty`` (the reference's, called back in the
  grading process): a wrong clip or penalty costs its own concept only.
* The 0..100 scale is one rule, graded by the tests that say so in their title
  (``combination``). Every other BLEU check also accepts the same value on the 0..1 scale,
  so a missing ``* 100`` is not charged in every concept again.
* Corpus-level checks use corpora whose summed precisions are all 1 (every hypothesis
  n-gram occurs in a reference), or compare two corpora with the same summed counts: they
  test the sums and the penalty, not how the precisions are combined, which
  ``combination`` grades. Combination checks use sentences with no brevity penalty whose
  every order has a match (except where a zero precision is the point), so neither the
  penalty nor smoothing is involved.
* In random cases the longest reference comes first: a sentence-level mistake that takes
  the first reference's length is still seen, and is never confused with a missing penalty.

sacrebleu is the oracle for BLEU scores; counts, P/R/F1 and closest lengths are
recomputed here by brute force. Every random case comes from the secret-seeded ``rng``;
cases grow from small to large and a check stops at the first mismatch, so the case a
student reads is the smallest failing one.
"""

from __future__ import annotations

import functools
import math
import types
from collections import Counter

import pytest
from sacrebleu.metrics import BLEU

from autograder.toolkit import Call, close, expect_equal, number, run_together, trusted

WORDS = ["a", "b", "c", "d", "e", "f", "g", "h"]
UPSTREAM = ("ngrams", "modified_precision", "closest_ref_length", "brevity_penalty")
"""The functions corpus and sentence BLEU are graded with correct versions of."""


@pytest.fixture
def bleu(student):
    return student.module("bleu")


# ---- BLEU values ----------------------------------------------------------------------

def _same(got, want):
    return close(got, want)


def _same_up_to_scale(got, want):
    """Equal, or equal on the 0..1 scale (the scale is graded once, where a title says so)."""
    return close(got, want) or close(100.0 * got, want)


def _as_float(value):
    return float(value)


@pytest.fixture
def bleu_value(bleu, mistakes):
    """Run a BLEU call with correct upstream functions and return the number it gave."""

    def run(call: Call) -> float:
        with trusted(bleu, mistakes, *UPSTREAM):
            return number(call.run(bleu), call)

    def together(calls: list[Call]) -> None:
        """Make the calls in one round trip; each ``run(call)`` then reads its answer."""
        with trusted(bleu, mistakes, *UPSTREAM, answers_for=calls):
            run_together(bleu, calls)

    run.together = together
    return run


class Batch:
    """``check_bleu``'s checks, made together: ``add`` takes what ``check_bleu`` takes, and
    ``run`` makes every call in one round trip, then checks them in the order added (the
    smallest failing case is still the one a student reads)."""

    def __init__(self, check, together):
        self.check, self.together, self.checks = check, together, []

    def add(self, call: Call, want: float, **options) -> None:
        self.checks.append((call, want, options))

    def run(self) -> None:
        self.together([call for call, _, _ in self.checks])
        for call, want, options in self.checks:
            self.check(call, want, **options)


@pytest.fixture
def check_bleu(bleu_value, mistakes):
    """``check_bleu(call, want, rule=...)``: the call (run with correct upstream functions)
    returns ``want``; ``scale=True`` where the test grades the 0..100 scale itself."""

    def check(call: Call, want: float, *, rule: str, scale: bool = False, notes=()) -> float:
        got = bleu_value(call)
        expect_equal(got, float(want), call, rule=rule, mistakes=mistakes, normalize=_as_float,
                     same=_same if scale else _same_up_to_scale, notes=list(notes))
        return got

    check.batch = lambda: Batch(check, bleu_value.together)
    return check


# ---- oracles ----------------------------------------------------------------------------

def count_ngrams(tokens, n):
    return dict(Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)))


def clipped(hypothesis, references, n):
    """(matches, total), by brute force: each n-gram's count clipped by its largest count
    in one reference."""
    hyp = count_ngrams(hypothesis, n)
    limits = [count_ngrams(reference, n) for reference in references]
    matches = sum(min(count, max((limit.get(gram, 0) for limit in limits), default=0))
                  for gram, count in hyp.items())
    return matches, sum(hyp.values())


def geometric(*precisions):
    """The geometric mean of the precisions (BLEU without the penalty, on 0..1)."""
    return math.exp(sum(math.log(p) for p in precisions) / len(precisions))


def unigram_prf(hypothesis, reference):
    matches = sum(min(hypothesis.count(word), reference.count(word)) for word in set(hypothesis))
    p = matches / len(hypothesis) if hypothesis else 0.0
    r = matches / len(reference) if reference else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def closest(hyp_len, ref_lens):
    return sorted(ref_lens, key=lambda length: (abs(length - hyp_len), length))[0]


@functools.lru_cache(maxsize=None)
def _metric(smooth_method, effective_order, max_n):
    return BLEU(tokenize="none", smooth_method=smooth_method, effective_order=effective_order,
                max_ngram_order=max_n, force=True)


def sacre_corpus(hypotheses, references, max_n=4):
    """sacrebleu's corpus BLEU (no smoothing, no effective order) on token lists."""
    return _metric("none", False, max_n).corpus_score([" ".join(h) for h in hypotheses], _streams(references)).score


def _streams(references):
    """sacrebleu's reference streams (the transpose of references per sentence); None marks
    a missing reference."""
    most = max(len(refs) for refs in references)
    return [[" ".join(refs[k]) if k < len(refs) else None for refs in references] for k in range(most)]


def sacre_parts(hypotheses, references, max_n=4):
    """sacrebleu's clipped matches and n-gram totals per order, summed over the corpus, and
    its brevity penalty (of the summed lengths), on token lists."""
    score = _metric("none", False, max_n).corpus_score([" ".join(h) for h in hypotheses], _streams(references))
    return list(score.counts), list(score.totals), score.bp


def sacre_sentence(hypothesis, references, max_n=4):
    """sacrebleu's sentence BLEU (exp smoothing, effective order) on token lists."""
    return _metric("exp", True, max_n).sentence_score(" ".join(hypothesis), [" ".join(r) for r in references]).score


@pytest.fixture
def oracle():
    return types.SimpleNamespace(ngrams=count_ngrams, clipped=clipped, prf=unigram_prf, closest=closest,
                                 geometric=geometric, corpus=sacre_corpus, sentence=sacre_sentence,
                                 parts=sacre_parts)


# ---- random cases (all from the secret-seeded rng) ------------------------------------------

def sentence(rng, vocab, min_len, max_len):
    return [rng.choice(vocab) for _ in range(rng.randint(min_len, max_len))]


def edited(rng, tokens, vocab):
    """A copy of tokens with 0-3 edits (substitute, delete, insert, repeat a word), so
    that hypotheses share long n-grams with their references."""
    tokens = list(tokens)
    for _ in range(rng.randint(0, 3)):
        action = rng.random()
        if action < 0.3 and tokens:
            tokens[rng.randrange(len(tokens))] = rng.choice(vocab)
        elif action < 0.5 and len(tokens) > 1:
            del tokens[rng.randrange(len(tokens))]
        elif action < 0.8:
            tokens.insert(rng.randint(0, len(tokens)), rng.choice(vocab))
        elif tokens:
            i = rng.randrange(len(tokens))
            tokens.insert(i, tokens[i])
    return tokens


def longest_first(references):
    return sorted(references, key=len, reverse=True)


def sentence_case(rng, size, min_hyp_len=1, max_refs=4):
    """(hypothesis, references) with lengths and vocabulary growing with size (>= 1)."""
    vocab = WORDS[:rng.randint(2, min(len(WORDS), 2 + size))]
    max_len = max(min(2 + size, 14), min_hyp_len)
    references = [sentence(rng, vocab, 1, max_len) for _ in range(rng.randint(1, max_refs))]
    if rng.random() < 0.7:
        hypothesis = edited(rng, rng.choice(references), vocab)
    else:
        hypothesis = sentence(rng, vocab, min_hyp_len, max_len)
    while len(hypothesis) < min_hyp_len:
        hypothesis.insert(rng.randint(0, len(hypothesis)), rng.choice(vocab))
    if len(references) < max_refs and rng.random() < 0.3:
        # Mirror a reference's length around the hypothesis length: often a tie for the
        # closest reference length, which must go to the shorter one.
        mirrored = 2 * len(hypothesis) - len(rng.choice(references))
        if mirrored >= 1:
            references.insert(rng.randint(0, len(references)), sentence(rng, vocab, mirrored, mirrored))
    return hypothesis, references


def slice_case(rng, size, min_len=1, max_len=None, max_refs=4):
    """(hypothesis, references) where the hypothesis is a stretch of one reference: every
    hypothesis n-gram is matched (all precisions 1), only lengths vary."""
    vocab = WORDS[:rng.randint(2, min(len(WORDS), 2 + size))]
    longest = max(min(3 + size, 14), min_len)
    references = [sentence(rng, vocab, 1, longest) for _ in range(rng.randint(1, max_refs))]
    source = rng.choice(references)
    if len(source) < min_len:
        source.extend(rng.choice(vocab) for _ in range(min_len - len(source)))
    length = rng.randint(min_len, min(len(source), max_len or len(source)))
    start = rng.randint(0, len(source) - length)
    return source[start:start + length], longest_first(references)


def matched_case(rng, size, max_n):
    """(hypothesis, references) with no brevity penalty (the hypothesis is at least as long
    as every reference) and at least one match in every order 1..max_n, so that only the
    combination of the precisions decides the score."""
    vocab = WORDS[:rng.randint(3, min(len(WORDS), 3 + size))]
    while True:
        references = [sentence(rng, vocab, max_n, max_n + 1 + size // 2) for _ in range(rng.randint(1, 3))]
        hypothesis = edited(rng, rng.choice(references), vocab)
        while len(hypothesis) < max(len(r) for r in references):
            hypothesis.insert(rng.randint(0, len(hypothesis)), rng.choice(vocab))
        if all(clipped(hypothesis, references, n)[0] > 0 for n in range(1, max_n + 1)):
            return hypothesis, longest_first(references)


def matched_corpus(rng, size):
    """A corpus (hypotheses, references) of 1-6 sentences whose hypotheses are stretches of
    a reference (all summed precisions 1); at least one hypothesis has a 4-gram."""
    hypotheses, references = [], []
    for index in range(rng.randint(1, min(6, 1 + size // 2))):
        hypothesis, refs = slice_case(rng, size, min_len=4 if index == 0 else 1)
        hypotheses.append(hypothesis)
        references.append(refs)
    order = list(range(len(hypotheses)))
    rng.shuffle(order)
    return [hypotheses[i] for i in order], [references[i] for i in order]


def block(rng, matched, unmatched, longer):
    """A sentence whose hypothesis is ``matched`` words shared with its one reference,
    then ``unmatched`` words the reference does not have; the reference ends with
    ``unmatched + longer`` other words. For n <= matched it has exactly
    matched - n + 1 matching n-grams of matched + unmatched - n + 1."""
    shared = [rng.choice(WORDS) for _ in range(matched)]
    hypothesis = shared + [rng.choice("stuvwxyz") for _ in range(unmatched)]
    reference = shared + [rng.choice("klmnopqr") for _ in range(unmatched + longer)]
    return hypothesis, [reference]


def _split(rng, total, parts, least):
    """``parts`` random whole numbers >= least that add up to ``total``."""
    cuts = sorted(rng.randint(0, total - parts * least) for _ in range(parts - 1))
    bounds = [0] + cuts + [total - parts * least]
    return [least + bounds[i + 1] - bounds[i] for i in range(parts)]


def same_sums_pair(rng, size):
    """Two corpora of the same number of sentences whose summed matches, totals (orders
    1..4) and lengths are equal, but spread differently over their sentences."""
    parts = rng.randint(2, min(4, 2 + size // 4))
    matched = rng.randint(4 * parts + 1, 4 * parts + 2 + size)
    unmatched = rng.randint(1, 2 + size // 2)
    longer = rng.randint(0, size // 3)
    while True:
        first = list(zip(_split(rng, matched, parts, 4), _split(rng, unmatched, parts, 0),
                         _split(rng, longer, parts, 0)))
        second = list(zip(_split(rng, matched, parts, 4), _split(rng, unmatched, parts, 0),
                          _split(rng, longer, parts, 0)))
        if sorted(first) != sorted(second):
            break
    corpora = []
    for shape in (first, second):
        sentences = [block(rng, *sizes) for sizes in shape]
        corpora.append(([h for h, _ in sentences], [r for _, r in sentences]))
    return corpora


@pytest.fixture
def cases():
    return types.SimpleNamespace(sentence=sentence, sentence_case=sentence_case, slice_case=slice_case,
                                 matched_case=matched_case, matched_corpus=matched_corpus,
                                 same_sums_pair=same_sums_pair, block=block, longest_first=longest_first,
                                 words=WORDS)

