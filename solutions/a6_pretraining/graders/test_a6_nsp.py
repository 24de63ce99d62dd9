"""Graders: ``make_nsp_examples`` (next sentence prediction).

Every sentence is unique (sentence j of document d starts with the token 'd<d>s<j>'), so a
B sentence tells which document it came from. The student's ``rng`` is a ``random.Random``
made in the student process with the seed shown in the call; the known mistakes get the
grader's twin of it (the toolkit's ``Seeded``), so they flip the same coins.
"""

from __future__ import annotations

import random

from autograder.toolkit import expect_equal, expect_rate, fail

FUNCTION = "make_nsp_examples"
LOCAL_SEEDS = (21, 22, 23)


def _run(a6, pre, student, docs, seed):
    call = a6.nsp_call(student, docs, seed)
    return call, a6.nsp_output(call.run(pre), call)


def _local_share(docs, statistic):
    """``rate_of``: the share ``statistic(docs, examples)`` -> (count, n) of a module's
    make_nsp_examples run here with grader-side ``random.Random``s."""
    def rate_of(module):
        count = total = 0
        for seed in LOCAL_SEEDS:
            c, n = statistic(docs, [(tuple(a), tuple(b), int(label))
                                    for a, b, label in module.make_nsp_examples(docs, random.Random(seed))])
            count, total = count + c, total + n
        return count / total
    return rate_of


# ---- pairs -------------------------------------------------------------------------------

def _check_order(a6, pre, student, mistakes, docs, seed):
    call, examples = _run(a6, pre, student, docs, seed)
    want = [tuple(docs[d][i]) for d, i in a6.pairs_of(docs)]
    expect_equal([a for a, _, _ in examples], want, call,
                 rule="one example per consecutive sentence pair (sentence i, sentence i+1) of each document, "
                      "documents in order and sentences in order; A is sentence i (a pair never spans two "
                      "documents)",
                 mistakes=mistakes, normalize=lambda answer: [a for a, _, _ in a6.as_examples(answer)],
                 notes=["shown: the A sentence of every example"])


def test_nsp_pairs_order(pre, a6, rng, student, mistakes):
    """NSP pairs: one example per consecutive sentence pair of each document, in order"""
    small = [[["d0s0", "a"], ["d0s1", "b"], ["d0s2"]], [["d1s0", "c"]], [], [["d3s0"], ["d3s1", "d"]]]
    _check_order(a6, pre, student, mistakes, small, a6.seed_from(rng))


def test_nsp_pairs_order_random(pre, a6, rng, student, mistakes):
    """NSP pairs: random corpora: one example per consecutive sentence pair, in order"""
    for count in (2, 3, 5, 8):
        docs = a6.documents(rng, count, 0, 9)
        docs[0].extend([["d0sx1"], ["d0sx2"]])     # at least one pair
        docs[1].append(["d1sx1", "z"])              # and another non-empty document
        _check_order(a6, pre, student, mistakes, docs, a6.seed_from(rng))


def _label_check(a6, pre, student, rng, mistakes, statistic, label, what, rule):
    docs = a6.documents(rng, 3, 40, 60)             # few documents: a same-document B is common
    call, examples = _run(a6, pre, student, docs, a6.seed_from(rng))
    count, total = statistic(docs, examples)
    expect_rate(count, total, 0.0, what=what, call=str(call), rule=rule, mistakes=mistakes, function=FUNCTION,
                rate_of=_local_share(docs, statistic),
                notes=[(f"counted over the examples with label {label}; sentence j of document d starts with "
                        f"'d<d>s<j>'")])


def _home(docs):
    """Sentence (as a tuple) -> (document, index)."""
    return {tuple(s): (d, i) for d, doc in enumerate(docs) for i, s in enumerate(doc)}


def _next_sentence_broken(docs, examples):
    """(label-0 examples whose B is not the sentence after A in A's document, label-0 examples)."""
    home = _home(docs)
    bad = total = 0
    for a, b, label in examples:
        if label == 0:
            total += 1
            d, i = home.get(a, (None, None))
            bad += d is None or i + 1 >= len(docs[d]) or tuple(docs[d][i + 1]) != b
    return bad, total


def _same_document(docs, examples):
    """(label-1 examples whose B is not a sentence of another document, label-1 examples)."""
    home = _home(docs)
    bad = total = 0
    for a, b, label in examples:
        if label == 1:
            total += 1
            bad += b not in home or a not in home or home[b][0] == home[a][0]
    return bad, total


def test_nsp_pairs_is_next(pre, a6, rng, student, mistakes):
    """NSP pairs: label 0 (IsNext) keeps the true next sentence as B

    A correct solution never breaks this (it fails with probability 0).
    """
    _label_check(a6, pre, student, rng, mistakes, _next_sentence_broken, 0,
                 "an example with label 0 had a B that is not the sentence after A",
                 "label 0 means IsNext (Hugging Face's next_sentence_label): B is the sentence that follows A in "
                 "its document; label 1 means B is a random sentence")


def test_nsp_pairs_not_next(pre, a6, rng, student, mistakes):
    """NSP pairs: label 1 (NotNext) takes B from a different document

    A correct solution never breaks this (it fails with probability 0).
    """
    _label_check(a6, pre, student, rng, mistakes, _same_document, 1,
                 "an example with label 1 had a B that is not a sentence of another document",
                 "label 1 means NotNext: B is a random sentence of a DIFFERENT document (a sentence of A's own "
                 "document may be about the same topic, or even be the true next one)")


# ---- the rate and the rng ----------------------------------------------------------------

def test_nsp_rate_half(pre, a6, rng, student, mistakes):
    """NSP rate: each example is NotNext (label 1) with probability 0.5

    Over about 2 000 examples; a correct solution fails with probability below 1e-6.
    """
    docs = a6.documents(rng, 60, 20, 60)
    call, examples = _run(a6, pre, student, docs, a6.seed_from(rng))

    def ones(docs, examples):
        return sum(label for _, _, label in examples), len(examples)

    count, total = ones(docs, examples)
    if total == 0:
        raise fail("one example per consecutive sentence pair; the rate is measured on them", call,
                   observed="no examples", expected=f"{len(a6.pairs_of(docs))} examples")
    expect_rate(count, total, 0.5, what="an example had label 1 (NotNext)", call=str(call),
                rule="for each pair, with probability 0.5 B is replaced by a random sentence (label 1), else kept "
                     "(label 0)", mistakes=mistakes, function=FUNCTION,
                rate_of=_local_share(docs, ones))


def test_nsp_rate_uses_rng(pre, a6, rng, student, mistakes):
    """NSP rate: the same rng seed gives the same examples, another seed others

    A correct solution gives equal examples for equal seeds (probability 1) and different
    ones for different seeds (except with negligible probability).
    """
    docs = a6.documents(rng, 6, 10, 20)
    seed = a6.seed_from(rng)
    runs = [_run(a6, pre, student, docs, s) for s in (seed, seed, seed + 1)]

    def differing(first, second):
        return sum(x != y for x, y in zip(first, second)) + abs(len(first) - len(second))

    def rate_of(module):
        one = module.make_nsp_examples(docs, random.Random(5))
        two = module.make_nsp_examples(docs, random.Random(5))
        return differing(a6.as_examples(one), a6.as_examples(two)) / max(len(one), len(two), 1)

    total = max(len(runs[0][1]), len(runs[1][1]))
    expect_rate(differing(runs[0][1], runs[1][1]), total, 0.0,
                what="an example differed between two calls with the same seed", call=str(runs[0][0]),
                rule="every coin flip and choice is made with the rng argument (rng.random(), rng.choice(...)), "
                     "not the random module's global functions, so the same seed gives the same examples",
                mistakes=mistakes, function=FUNCTION, rate_of=rate_of,
                notes=["the call was made twice, each time with a fresh random.Random seeded alike"])
    if differing(runs[0][1], runs[2][1]) == 0:
        raise fail("the examples are random, drawn from the rng: another seed gives other examples",
                   f"{runs[0][0]} and {runs[2][0]}", observed="the same examples for both seeds",
                   expected="different examples")
