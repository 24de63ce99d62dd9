"""Graders: ``build_pair_input`` ([CLS] a [SEP] b [SEP], segment ids, truncation).

The layout and segment checks use pairs that fit with room to spare, so truncation plays
no part there; the truncation checks read only which tokens of a and of b were kept (the
tokens of a and b are all different), so a layout mistake plays no part there.
"""

from __future__ import annotations

from autograder.toolkit import Call, expect_equal, sequence

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran"]
CLS, SEP = "[CLS]", "[SEP]"


def sentence(rng, prefix, least, most):
    return [f"{prefix}{i}_{rng.choice(WORDS)}" for i in range(rng.randint(least, most))]


def _answer(answer, call):
    tokens, segments = sequence(answer, call, 2)
    return [str(t) for t in sequence(tokens, call)], list(sequence(segments, call))


# ---- layout and segments -----------------------------------------------------------------

def _layout(pre, mistakes, a, b, max_len):
    call = Call("build_pair_input", a, b, max_len)
    tokens, _ = _answer(call.run(pre), call)
    expect_equal(tokens, [CLS] + a + [SEP] + b + [SEP], call,
                 rule="the tokens are [CLS], the tokens of a, [SEP], the tokens of b, [SEP] (nothing is dropped "
                      "when the pair fits in max_len)",
                 mistakes=mistakes, normalize=lambda answer: [str(t) for t in answer[0]],
                 notes=["shown: the tokens (item 0)"])


def _segments(pre, mistakes, a, b, max_len):
    call = Call("build_pair_input", a, b, max_len)
    tokens, segments = _answer(call.run(pre), call)
    first = tokens.index(SEP) if SEP in tokens else len(tokens) - 1
    want = [0] * (first + 1) + [1] * (len(tokens) - first - 1)
    expect_equal(segments, want, call,
                 rule="segment id 0 for [CLS], the tokens of a and the FIRST [SEP]; 1 for the tokens of b and the "
                      "final [SEP] (one id per token)",
                 mistakes=mistakes, normalize=lambda answer: list(answer[1]),
                 notes=[f"shown: the segment ids (item 1), for the tokens {tokens}"])


def test_pair_input_layout(pre, mistakes):
    """Pair input: [CLS] a [SEP] b [SEP]"""
    _layout(pre, mistakes, ["my", "dog"], ["is", "cute", "!"], 20)
    _layout(pre, mistakes, [], ["b"], 10)
    _layout(pre, mistakes, ["a"], [], 10)


def test_pair_input_segments(pre, mistakes):
    """Pair input: segment ids are 0 up to and including the first [SEP], 1 after it"""
    _segments(pre, mistakes, ["my", "dog"], ["is", "cute", "!"], 20)
    _segments(pre, mistakes, ["a"], [], 10)
    _segments(pre, mistakes, [], ["b1", "b2"], 10)


def test_pair_input_random(pre, mistakes, rng):
    """Pair input: random pairs that fit: [CLS] a [SEP] b [SEP] and its segment ids"""
    for _ in range(30):
        a, b = sentence(rng, "a", 0, 8), sentence(rng, "b", 0, 8)
        max_len = len(a) + len(b) + 3 + rng.randint(2, 6)
        _layout(pre, mistakes, a, b, max_len)
        _segments(pre, mistakes, a, b, max_len)


# ---- truncation --------------------------------------------------------------------------

def kept(a, b, tokens):
    """The tokens of a and of b that are left in ``tokens``, in order."""
    return [t for t in tokens if t in set(a)], [t for t in tokens if t in set(b)]


def truncated(a, b, max_len):
    a, b = list(a), list(b)
    while len(a) + len(b) + 3 > max_len:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    return a, b


def _truncation(pre, mistakes, a, b, max_len, rule):
    call = Call("build_pair_input", a, b, max_len)
    tokens, _ = _answer(call.run(pre), call)
    expect_equal(kept(a, b, tokens), truncated(a, b, max_len), call, rule=rule, mistakes=mistakes,
                 normalize=lambda answer: kept(a, b, [str(t) for t in answer[0]]),
                 notes=["shown: (the tokens of a that are kept, the tokens of b that are kept)"])


LONGER_RULE = ("while len(a) + len(b) + 3 > max_len (3: [CLS] and two [SEP]), drop the LAST token of the longer "
               "sentence; nothing is dropped once the pair fits")
TIE_RULE = "when a and b are equally long, the last token of a is dropped (so a ends up at most as long as b)"


def test_truncation_longer_side(pre, mistakes):
    """Truncation: while too long, the longer sentence loses its last token"""
    _truncation(pre, mistakes, ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2"], 8, LONGER_RULE)
    _truncation(pre, mistakes, ["a1"], ["b1", "b2", "b3", "b4", "b5", "b6"], 7, LONGER_RULE)
    _truncation(pre, mistakes, ["a1", "a2"], ["b1", "b2", "b3"], 8, LONGER_RULE)
    _truncation(pre, mistakes, ["a1", "a2", "a3", "a4"], ["b1"], 6, LONGER_RULE)


def test_truncation_ties(pre, mistakes):
    """Truncation: when a and b are equally long, the token is dropped from a"""
    _truncation(pre, mistakes, ["a1", "a2", "a3"], ["b1", "b2", "b3"], 8, TIE_RULE)
    _truncation(pre, mistakes, ["a1", "a2"], ["b1", "b2"], 4, TIE_RULE)


def test_truncation_random(pre, mistakes, rng):
    """Truncation: random pairs: the longer sentence loses its last tokens (a on ties)"""
    for _ in range(40):
        a, b = sentence(rng, "a", 0, 12), sentence(rng, "b", 0, 12)
        _truncation(pre, mistakes, a, b, rng.randint(3, max(3, len(a) + len(b) + 2)), LONGER_RULE + "; " + TIE_RULE)
    for _ in range(20):
        n = rng.randint(1, 10)
        a, b = sentence(rng, "a", n, n), sentence(rng, "b", n, n)
        _truncation(pre, mistakes, a, b, rng.randint(3, 2 * n + 2), TIE_RULE)
