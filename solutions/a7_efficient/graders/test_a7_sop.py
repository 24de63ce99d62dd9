"""Graders: ``make_sop_examples`` (ALBERT's sentence-order prediction).

Every sentence of a test corpus is unique: sentence j of document d starts with the token
'd<d>s<j>', so each sentence of an example tells where it came from. An example is judged
by what it is made of:

* its two sentences, taken in document order, must be the next consecutive pair of one
  document (test_sop_pairs_*: which pairs, in which order);
* its label must say whether they come in document order (0) or swapped (1)
  (test_sop_labels_*);
* the labels must be a fair coin drawn from ``rng`` (test_sop_rate_*), and the caller's
  documents must stay as they were (test_sop_documents_*).

The student's ``rng`` is a ``random.Random`` made in the student process with the seed shown
in the call (:class:`Seeded`); the known mistakes, run here, get a grader-side twin of it.
How a solution draws its coin is free, so a mistake is recognised by what it does (the
kind of wrong example, the rate of swaps), not by matching the exact coins.
"""

from __future__ import annotations

import copy
import itertools
import random

from autograder.toolkit import Seeded, SeededRandom, describe, expect_rate, fail, integer, sequence

MODULE = "efficient"
FUNCTION = "make_sop_examples"
WORDS = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "far", "away"]
LOCAL_SEEDS = (31, 32, 33)
"""Seeds of the grader-side ``random.Random``s with which a known mistake is measured here."""

RULE_PAIRS = ("one example per pair of consecutive sentences (sentence i, sentence i+1) of each document, "
              "documents in order and pairs in order; both sentences of an example are that pair (never a "
              "sentence of another document, never a pair across two documents); a document with fewer than "
              "two sentences gives no example")
RULE_LABELS = ("label 0: the two sentences in their document order, (A, B, 0); label 1: the same two sentences "
               "swapped, (B, A, 1)")


# ---- seeded calls ------------------------------------------------------------------------

def seed_from(rng: random.Random) -> int:
    return rng.randrange(2**31)


def sop_call(student, docs, seed: int) -> Seeded:
    return Seeded(student, FUNCTION, copy.deepcopy(docs), SeededRandom(seed))


# ---- corpora -----------------------------------------------------------------------------

def documents(rng: random.Random, count: int, least: int, most: int, words: int = 4) -> list[list[list[str]]]:
    """``count`` documents of ``least`` to ``most`` sentences; sentence j of document d is
    'd<d>s<j>' followed by up to ``words`` random words."""
    return [[[f"d{d}s{j}"] + [rng.choice(WORDS) for _ in range(rng.randint(0, words))]
             for j in range(rng.randint(least, most))] for d in range(count)]


def pairs_of(docs) -> list[tuple[tuple, tuple]]:
    """Every consecutive pair (sentence i, sentence i+1), as tuples, in order."""
    return [(tuple(doc[i]), tuple(doc[i + 1])) for doc in docs for i in range(len(doc) - 1)]


def home_of(docs) -> dict[tuple, tuple[int, int]]:
    """Sentence (as a tuple) -> (document, index)."""
    return {tuple(s): (d, i) for d, doc in enumerate(docs) for i, s in enumerate(doc)}


# ---- what came back ----------------------------------------------------------------------

def sop_output(value, call) -> list[tuple[tuple, tuple, int]]:
    """(A, B, label) triples with tuple sentences, or a failure saying what came back."""
    examples = []
    shown = str(call)
    for k, item in enumerate(sequence(value, call, what="a list of (sentence_a, sentence_b, label) tuples")):
        where = f"example {k} of {shown}"
        a, b, label = sequence(item, where, 3)
        label = int(label) if isinstance(label, bool) else integer(label, where)   # False == 0 and True == 1
        if label not in (0, 1):
            raise fail("labels are 0 (the two sentences in order) or 1 (swapped)", where,
                       observed=f"label {label}", expected="0 or 1")
        sentences = []
        for which, sentence in (("sentence_a", a), ("sentence_b", b)):
            if not isinstance(sentence, (list, tuple)) or not all(isinstance(token, str) for token in sentence):
                raise fail("each sentence of an example is one of the given sentences, as given: a list of str "
                           "tokens", where, observed=f"{which} {describe(sentence)}",
                           expected="a list of str tokens")
            sentences.append(tuple(sentence))
        examples.append((sentences[0], sentences[1], label))
    return examples


def as_examples(answer) -> list[tuple[tuple, tuple, int]]:
    """A known mistake's answer, as :func:`sop_output` makes the student's."""
    return [(tuple(a), tuple(b), int(label)) for a, b, label in answer]


def local(module, docs, seed: int) -> list[tuple[tuple, tuple, int]]:
    """A module's make_sop_examples run here, with a grader-side ``random.Random(seed)``."""
    return as_examples(module.make_sop_examples(copy.deepcopy(docs), random.Random(seed)))


def run(student, docs, seed: int):
    call = sop_call(student, docs, seed)
    return call, sop_output(call.run(student.module(MODULE)), call)


# ---- pairs -------------------------------------------------------------------------------

def in_document_order(docs):
    """Normalise an example to its two sentences in document order (label left out)."""
    home = home_of(docs)
    unknown = (len(docs) + 1, 0)

    def pair(example):
        a, b, _ = example
        return tuple(sorted((a, b), key=lambda s: (home.get(s, unknown), s)))
    return pair


def pairs_signature(docs, examples) -> tuple[bool, bool, bool]:
    """(an example mixes two documents that are not neighbours in the corpus, an example is
    not a consecutive pair, a consecutive pair has no example): the kind of wrong pairs."""
    home = home_of(docs)
    flat = [tuple(s) for doc in docs for s in doc]
    neighbours = {frozenset(pair) for pair in itertools.pairwise(flat)}
    mixes = any(a not in home or b not in home
                or (home[a][0] != home[b][0] and frozenset((a, b)) not in neighbours)
                for a, b, _ in examples)
    want = set(pairs_of(docs))
    got = {in_document_order(docs)(example) for example in examples}
    return mixes, bool(got - want), bool(want - got)


def check_pairs(student, mistakes, docs, seed: int) -> None:
    call, examples = run(student, docs, seed)
    pair = in_document_order(docs)
    got = [pair(example) for example in examples]
    want = pairs_of(docs)
    if got == want:
        return
    signature = pairs_signature(docs, examples)
    diagnosis = mistakes.recognise(FUNCTION, lambda module: any(
        pairs_signature(docs, local(module, docs, s)) == signature for s in (seed, *LOCAL_SEEDS)))
    first = next((k for k, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
    notes = [("shown: the two sentences of every example, in their document order (labels left out); sentence "
              "j of document d starts with 'd<d>s<j>'"),
             (f"the first difference is at example {first}: "
              + (describe(got[first]) if first < len(got) else "nothing")
              + " instead of " + (describe(want[first]) if first < len(want) else "nothing")),
             f"{len(examples)} examples came back; the documents have {len(want)} consecutive pairs"]
    raise fail(RULE_PAIRS, call, observed=describe(got), expected=describe(want), notes=notes, diagnosis=diagnosis)


def test_sop_pairs_order(student, mistakes, rng):
    """SOP pairs: one example per consecutive sentence pair of each document, in order"""
    small = [[["d0s0", "the", "cat"], ["d0s1", "sat"], ["d0s2"]], [["d1s0", "a"]], [],
             [["d3s0"], ["d3s1", "on"], ["d3s2", "mat"], ["d3s3"]], [["d4s0", "dog"], ["d4s1"]]]
    check_pairs(student, mistakes, small, seed_from(rng))


def test_sop_pairs_order_random(student, mistakes, rng):
    """SOP pairs: random corpora: each example is a consecutive pair of one document, every pair once, in order"""
    for count in (2, 3, 5, 8):
        docs = documents(rng, count, 0, 12)
        docs[0].extend([["d0sx1"], ["d0sx2", "z"]])     # at least one pair
        docs[1].extend([["d1sx1"], ["d1sx2"]])          # in two documents
        check_pairs(student, mistakes, docs, seed_from(rng))


# ---- labels ------------------------------------------------------------------------------

def consecutive(docs, examples) -> list[tuple[tuple, tuple, int, bool]]:
    """The examples whose two sentences are neighbours in one document, each with whether
    they come in document order (the other examples are the pairs tests' business)."""
    home = home_of(docs)
    kept = []
    for a, b, label in examples:
        if a in home and b in home and home[a][0] == home[b][0] and abs(home[a][1] - home[b][1]) == 1:
            kept.append((a, b, label, home[a][1] < home[b][1]))
    return kept


def wrong_kinds(docs, examples) -> frozenset[tuple[bool, int]]:
    """The kinds (in document order?, label) of the wrongly labelled consecutive examples."""
    return frozenset((in_order, label) for _, _, label, in_order in consecutive(docs, examples)
                     if label != (0 if in_order else 1))


def require_examples(docs, examples, call, why: str) -> None:
    """Fail unless some example is a consecutive pair of one document (kept or swapped): what
    the rate and the caller's-documents checks are measured on (so doing nothing earns nothing)."""
    if not consecutive(docs, examples):
        raise fail(RULE_PAIRS + "; " + why, call,
                   observed=(f"{len(examples)} examples, none made of two consecutive sentences of one document"),
                   expected=f"{len(pairs_of(docs))} examples")


def test_sop_labels_order(student, mistakes, rng):
    """SOP labels: (A, B, 0) keeps the document order, (B, A, 1) swaps it

    A correct solution never breaks this (it fails with probability 0).
    """
    rounds = []
    for _ in range(3):
        docs = documents(rng, 4, 4, 7, words=0)
        seed = seed_from(rng)
        call, examples = run(student, docs, seed)
        rounds.append((docs, seed, call, examples))
    if not any(consecutive(docs, examples) for docs, _, _, examples in rounds):
        docs, _, call, examples = rounds[-1]
        raise fail(RULE_PAIRS, call, observed=f"{len(examples)} examples, none made of a consecutive pair",
                   expected=f"{len(pairs_of(docs))} examples")
    # the kinds of wrong labels over all rounds: (in document order?, label)
    kinds = frozenset().union(*(wrong_kinds(docs, examples) for docs, _, _, examples in rounds))

    def same_kinds(module):
        return kinds == frozenset().union(*(wrong_kinds(docs, local(module, docs, s))
                                            for docs, seed, _, _ in rounds for s in (seed, *LOCAL_SEEDS)))

    for docs, _, call, examples in rounds:
        kept = consecutive(docs, examples)
        got = [([*a], [*b], label) for a, b, label, _ in kept]
        want = [([*a], [*b], 0 if in_order else 1) for a, b, _, in_order in kept]
        if got != want:
            a, b, label, in_order = next(example for example, g, w in zip(kept, got, want) if g != w)
            raise fail(RULE_LABELS, call, observed=describe(got), expected=describe(want),
                       diagnosis=mistakes.recognise(FUNCTION, same_kinds),
                       notes=[("shown: the examples made of two neighbouring sentences of one document, with the "
                               "label each should have; sentence j of document d is ['d<d>s<j>']"),
                              (f"the first wrong label: ({[*a]}, {[*b]}, {label}): in the document {[*a]} comes "
                               f"{'before' if in_order else 'after'} {[*b]}, so the example is "
                               f"{'in order: label 0' if in_order else 'swapped: label 1'}")])


# ---- the coin ----------------------------------------------------------------------------

def test_sop_rate_half(student, mistakes, rng):
    """SOP rate: each pair is swapped (label 1) with probability 1/2

    Over about 2 000 pairs (expect_rate): a correct solution fails with probability below 1e-6.
    """
    docs = documents(rng, 40, 30, 70)
    call, examples = run(student, docs, seed_from(rng))
    require_examples(docs, examples, call, "the swap rate is measured on them")

    def rate_of(module):
        labels = [label for s in LOCAL_SEEDS for _, _, label in local(module, docs, s)]
        return sum(labels) / max(len(labels), 1)

    expect_rate(sum(label for _, _, label in examples), len(examples), 0.5,
                what="an example was swapped (label 1)", call=str(call),
                rule="for each pair flip a fair coin with rng: the pair is swapped, (B, A, 1), with probability "
                     "exactly 1/2, else kept, (A, B, 0)",
                mistakes=mistakes, function=FUNCTION, rate_of=rate_of)


def test_sop_rate_uses_rng(student, mistakes, rng):
    """SOP rate: the same rng seed gives the same examples, another seed others

    A correct solution gives equal examples for equal seeds (probability 1) and different
    ones for two seeds (except with probability below 2**-80: over 80 coins).
    """
    docs = documents(rng, 6, 15, 25)
    seed = seed_from(rng)
    (call, first), (_, second), (other_call, third) = [run(student, docs, s) for s in (seed, seed, seed + 1)]
    require_examples(docs, first, call, "their coins are what the same seed must repeat")

    def differing(one, two):
        return sum(x != y for x, y in zip(one, two)) + abs(len(one) - len(two))

    def rate_of(module):
        one, two = local(module, docs, 5), local(module, docs, 5)
        return differing(one, two) / max(len(one), len(two), 1)

    expect_rate(differing(first, second), max(len(first), len(second)), 0.0,
                what="an example differed between two calls with the same seed", call=str(call),
                rule="every coin is flipped with the rng argument (rng.random(), rng.randrange(2)), not with the "
                     "random module's global functions, so the same rng state gives the same examples",
                mistakes=mistakes, function=FUNCTION, rate_of=rate_of,
                notes=["the call was made twice, each time with a fresh random.Random seeded alike"])
    if differing(first, third) == 0:
        diagnosis = mistakes.recognise(FUNCTION, lambda module: local(module, docs, 1) == local(module, docs, 2))
        raise fail("the examples are random: each pair is kept or swapped by a coin flipped with rng, so another "
                   "seed gives other examples", f"{call} and {other_call}",
                   observed=f"the same {len(first)} examples for both seeds", expected="different examples",
                   diagnosis=diagnosis)


# ---- the caller's documents --------------------------------------------------------------

def test_sop_documents_unchanged(student, mistakes, rng):
    """SOP: make_sop_examples leaves the documents it is given as they were"""
    docs = documents(rng, 4, 2, 7)
    seed = seed_from(rng)
    call = sop_call(student, docs, seed)
    bound = student.module("functools").partial(student.module(MODULE).make_sop_examples, copy.deepcopy(docs),
                                                student.module("random").Random(seed))
    value = bound()
    after = bound.args[0]
    if after != docs:
        def changes(module):
            theirs = copy.deepcopy(docs)
            module.make_sop_examples(theirs, random.Random(seed))
            return theirs != docs

        raise fail("build the examples from the documents without changing them: the caller's documents stay as "
                   "they were (pop(), del, reverse() on them change the caller's lists)", call,
                   observed=f"argument 1 changed in place: {describe(after)}",
                   expected=f"the documents as they were passed: {describe(docs)}",
                   diagnosis=mistakes.recognise(FUNCTION, changes))
    require_examples(docs, sop_output(value, call), call, "they are made without changing the documents")
