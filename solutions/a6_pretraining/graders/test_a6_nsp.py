"""Graders: ``make_nsp_examples`` (next sentence prediction).

Every sentence is unique (sentence j of document d starts with the token 'd<d>s<j>'), so a
B sentence tells which document it came from. The ``random.Random`` the student's code
uses is created in the student process: ``student.module("random").Random(seed)``.
"""

from __future__ import annotations


def run(pre, util, student, documents, seed):
    call = f"make_nsp_examples(documents, random.Random({seed})) on {len(documents)} documents"
    got = pre.make_nsp_examples(documents, student.module("random").Random(seed))
    return util.nsp_examples(got, call), call


def check_pairs(examples, documents, call):
    where = {tuple(s): d for d, doc in enumerate(documents) for s in doc}
    want = [(d, i) for d, doc in enumerate(documents) for i in range(len(doc) - 1)]
    assert len(examples) == len(want), (
        f"{call} returned {len(examples)} examples; expected {len(want)}: one for every consecutive sentence pair "
        f"(sentence i, sentence i+1) of every document (a document of n sentences gives n-1 pairs)")
    for k, ((a, b, label), (d, i)) in enumerate(zip(examples, want)):
        if a != documents[d][i]:
            raise AssertionError(
                f"{call}: example {k} has A = {a}; expected sentence {i} of document {d}, {documents[d][i]}: the "
                f"examples follow the documents in order, and inside each the sentences in order")
        if label == 0 and b != documents[d][i + 1]:
            raise AssertionError(
                f"{call}: example {k} (A = {a}) has label 0 (IsNext) but B = {b} is not the next sentence "
                f"{documents[d][i + 1]}. Convention (Hugging Face): label 0 = B really follows A, label 1 = B "
                f"is a random sentence")
        if label == 1:
            source = where.get(tuple(b))
            if source is None:
                raise AssertionError(f"{call}: example {k} has B = {b}, which is no sentence of the documents")
            if source == d:
                raise AssertionError(
                    f"{call}: example {k} (A = {a}, sentence {i} of document {d}) has label 1 (NotNext) with B = "
                    f"{b} from the SAME document {d}; the random B must come from a different document (a "
                    f"sentence of the same document may well be related to A)")


def test_nsp_pairs_and_labels(pre, util, rng, student):
    """NSP: one example per consecutive pair, in order; label 0 keeps B, label 1 takes B from another document"""
    small = [[["d0s0", "a"], ["d0s1", "b"], ["d0s2"]], [["d1s0", "c"]]]
    examples, call = run(pre, util, student, small, rng.randrange(2**31))
    check_pairs(examples, small, call)
    for count in (2, 3, 4, 6):
        documents = util.documents(rng, count, 0, 10)
        documents[0].extend([["d0sx1"], ["d0sx2"]])      # at least one pair
        documents[1].append(["d1sx1", "z"])               # and another non-empty document
        examples, call = run(pre, util, student, documents, rng.randrange(2**31))
        check_pairs(examples, documents, call)


def test_nsp_rate_and_rng(pre, util, rng, student):
    """NSP: label 1 (random B) with probability 0.5, drawn from the rng argument"""
    documents = util.documents(rng, 60, 20, 60)
    seed = rng.randrange(2**31)
    examples, call = run(pre, util, student, documents, seed)
    check_pairs(examples, documents, call)
    n, k = len(examples), sum(label for _, _, label in examples)
    lo, hi = util.binomial_interval(n, 0.5)
    assert lo <= k <= hi, (
        f"{call}: {k} of {n} examples have label 1 (random B), a rate of {k / n:.3f}; with probability 0.5 per "
        f"pair the count lies in [{lo}, {hi}] in all but one of ten million runs")
    again, _ = run(pre, util, student, documents, seed)
    assert again == examples, (
        f"{call} gave different examples when called twice with random.Random({seed}): make every random "
        f"choice with the rng argument (rng.random(), rng.choice(...)), not the random module's global functions")
