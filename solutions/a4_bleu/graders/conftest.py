"""Fixtures and helpers shared by the A4 (BLEU) graders.

The graders run in the trusted process and never import student code: the framework's
``student`` fixture hands out a proxy whose calls run in the sandboxed child. The ``rng``
fixture (also the framework's) is seeded from a secret per-run seed; every generated case
comes from it.

Only assert messages reach students (assertion rewriting is off), so every check here
builds a message naming the concept, the call that was made, what came back and what was
expected. Generated cases grow from small to large and a test stops at the first mismatch,
so the case a student sees is the smallest failing one.

sacrebleu is the oracle for BLEU scores and for the clipped counts; a few simple
quantities (n-gram counts, unigram P/R/F1, closest length) are recomputed here by brute
force.
"""

from __future__ import annotations

import functools
import math
from collections import Counter

import pytest
from sacrebleu.metrics import BLEU

# BLEU is on the 0..100 scale; the contract asks for agreement with sacrebleu to 1e-6.
TOLERANCE = 1e-6

WORDS = ["a", "b", "c", "d", "e", "f", "g", "h"]


@pytest.fixture
def bleu(student):
    return student.module("bleu")


@pytest.fixture
def util():
    return Util


class Util:
    """Namespace of grader helpers (a fixture, so it works under any pytest import mode)."""

    tolerance = TOLERANCE

    # ---- describing calls ------------------------------------------------------------

    @staticmethod
    def call(name, *args, **kwargs):
        """``corpus_bleu([['a', 'b']], [[['a', 'b']]], max_n=2)``: a call students can paste."""
        parts = [repr(arg) for arg in args] + [f"{key}={value!r}" for key, value in kwargs.items()]
        return f"{name}({', '.join(parts)})"

    @staticmethod
    def shown(value, limit=300):
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + "..."

    # ---- converting what the student returned ----------------------------------------

    @staticmethod
    def number(value, call):
        """A float from an int, a float, or a 0-d numpy/torch value; fail clearly otherwise."""
        # Only look inside numpy / torch values: anything else may be an opaque remote handle.
        if type(value).__module__.split(".")[0] in ("numpy", "torch"):
            if tuple(value.shape) not in ((), (1,)):
                raise AssertionError(
                    f"{call} returned an array of shape {tuple(value.shape)}; expected a single number")
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AssertionError(
                f"{call} returned {Util.shown(value)} (type {type(value).__name__}); expected a number "
                f"(did the function fall through without a return?)")
        value = float(value)
        if math.isnan(value):
            raise AssertionError(f"{call} returned nan; expected a number (is there a 0/0 somewhere?)")
        return value

    @staticmethod
    def integer(value, call):
        number = Util.number(value, call)
        if number != int(number):
            raise AssertionError(f"{call} returned {number!r}; expected a whole number (a count)")
        return int(number)

    @staticmethod
    def pair_or_triple(value, size, call):
        if not isinstance(value, (tuple, list)) or len(value) != size:
            raise AssertionError(
                f"{call} returned {Util.shown(value)}; expected a tuple of {size} numbers")
        return list(value)

    @staticmethod
    def counter(value, call):
        """A plain dict {tuple of tokens: positive count} from a Counter (or dict)."""
        if not isinstance(value, dict):
            raise AssertionError(
                f"{call} returned {Util.shown(value)} (type {type(value).__name__}); expected a "
                f"collections.Counter mapping n-gram tuples to counts")
        result = {}
        for key, count in value.items():
            if not isinstance(key, tuple) or not all(isinstance(token, str) for token in key):
                raise AssertionError(
                    f"{call} has the key {key!r}; every key must be a tuple of tokens, e.g. "
                    f"('the',) for a unigram or ('the', 'cat') for a bigram")
            count = Util.integer(count, f"the count of {key!r} in {call}")
            if count != 0:
                result[key] = count
        return result

    @staticmethod
    def close(got, want):
        return abs(got - want) <= TOLERANCE

    # ---- independent oracles ---------------------------------------------------------

    @staticmethod
    def count_ngrams(tokens, n):
        return dict(Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)))

    @staticmethod
    def unigram_prf(hypothesis, reference):
        matches = sum(min(hypothesis.count(word), reference.count(word)) for word in set(hypothesis))
        p = matches / len(hypothesis) if hypothesis else 0.0
        r = matches / len(reference) if reference else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @staticmethod
    def closest(hyp_len, ref_lens):
        return sorted(ref_lens, key=lambda length: (abs(length - hyp_len), length))[0]

    @staticmethod
    def sacre_corpus(hypotheses, references, max_n=4):
        """sacrebleu's corpus BLEU (no smoothing, no effective order) on token lists."""
        most = max(len(refs) for refs in references)
        # sacrebleu wants reference streams (the transpose); None marks a missing reference.
        streams = [[" ".join(refs[k]) if k < len(refs) else None for refs in references]
                   for k in range(most)]
        return _metric("none", False, max_n).corpus_score([" ".join(h) for h in hypotheses], streams).score

    @staticmethod
    def sacre_sentence(hypothesis, references, max_n=4):
        """sacrebleu's sentence BLEU (exp smoothing, effective order) on token lists."""
        metric = _metric("exp", True, max_n)
        return metric.sentence_score(" ".join(hypothesis), [" ".join(r) for r in references]).score

    @staticmethod
    def sacre_counts(hypothesis, references, n):
        """(clipped matches, total) of order n, read from sacrebleu's statistics."""
        stats = _metric("none", False, n).corpus_score([" ".join(hypothesis)], [[" ".join(r)] for r in references])
        return stats.counts[n - 1], stats.totals[n - 1]

    # ---- random cases (all from the secret-seeded rng) -------------------------------

    @staticmethod
    def sentence(rng, vocab, min_len, max_len):
        return [rng.choice(vocab) for _ in range(rng.randint(min_len, max_len))]

    @staticmethod
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

    @staticmethod
    def sentence_case(rng, size, min_hyp_len=1, max_refs=4):
        """(hypothesis, references) with lengths and vocabulary growing with size (>= 1)."""
        vocab = WORDS[:rng.randint(2, min(len(WORDS), 2 + size))]
        max_len = min(2 + size, 14)
        references = [Util.sentence(rng, vocab, 1, max_len) for _ in range(rng.randint(1, max_refs))]
        if rng.random() < 0.7:
            hypothesis = Util.edited(rng, rng.choice(references), vocab)
        else:
            hypothesis = Util.sentence(rng, vocab, min_hyp_len, max_len)
        while len(hypothesis) < min_hyp_len:
            hypothesis.append(rng.choice(vocab))
        if len(references) < max_refs and rng.random() < 0.3:
            # Mirror a reference's length around the hypothesis length: often a tie for
            # the closest reference length, which must go to the shorter one.
            mirrored = 2 * len(hypothesis) - len(rng.choice(references))
            if mirrored >= 1:
                references.insert(rng.randint(0, len(references)),
                                  Util.sentence(rng, vocab, mirrored, mirrored))
        return hypothesis, references

    @staticmethod
    def corpus_case(rng, size, max_refs=4):
        """(hypotheses, references) of 1..6 sentences; an empty hypothesis now and then."""
        sentences = rng.randint(1, min(6, 1 + size // 3))
        hypotheses, references = [], []
        for _ in range(sentences):
            hypothesis, refs = Util.sentence_case(rng, size, min_hyp_len=1, max_refs=max_refs)
            if size > 10 and rng.random() < 0.05:
                hypothesis = []
            hypotheses.append(hypothesis)
            references.append(refs)
        return hypotheses, references

    @staticmethod
    def sizes(count, largest):
        """count case sizes growing from 1 to largest: small cases come (and fail) first."""
        return [1 + (largest - 1) * i // max(1, count - 1) for i in range(count)]

    # ---- checks -------------------------------------------------------------------------

    @staticmethod
    def expect_value_error(function, name, *args, why, **kwargs):
        call = Util.call(name, *args, **kwargs)
        try:
            result = function(*args, **kwargs)
        except ValueError:
            return
        raise AssertionError(
            f"{call} returned {Util.shown(result)} instead of raising ValueError: {why}")


@functools.lru_cache(maxsize=None)
def _metric(smooth_method, effective_order, max_n):
    return BLEU(tokenize="none", smooth_method=smooth_method, effective_order=effective_order,
                max_ngram_order=max_n, force=True)
