"""Graders: ``build_pair_input`` ([CLS] a [SEP] b [SEP], segment ids, truncation)."""

from __future__ import annotations

WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran"]


def expected(a, b, max_len):
    a, b = list(a), list(b)
    while len(a) + len(b) + 3 > max_len:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    return ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"], [0] * (len(a) + 2) + [1] * (len(b) + 1)


def sentence(rng, prefix, low, high):
    return [f"{prefix}{i}_{rng.choice(WORDS)}" for i in range(rng.randint(low, high))]


def check(pre, util, a, b, max_len, hint):
    call = f"build_pair_input({a!r}, {b!r}, {max_len})"
    got = pre.build_pair_input(list(a), list(b), max_len)
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise AssertionError(f"{call} returned {util.kind(got)}; expected a tuple (tokens, segment_ids)")
    tokens, segments = list(got[0]), [int(s) for s in got[1]]
    want_tokens, want_segments = expected(a, b, max_len)
    assert tokens == want_tokens, f"{call} returned tokens {tokens}; expected {want_tokens}. {hint}"
    assert segments == want_segments, (
        f"{call} returned segment ids {segments} for {tokens}; expected {want_segments}: 0 for [CLS], the tokens "
        f"of a and the FIRST [SEP]; 1 for the tokens of b and the final [SEP]")


def test_pair_input_layout_and_segments(pre, util, rng):
    """Pair input: [CLS] a [SEP] b [SEP] with segment ids 0 through the first [SEP], 1 after"""
    check(pre, util, ["my", "dog"], ["is", "cute", "!"], 20, "The layout is [CLS] a [SEP] b [SEP].")
    check(pre, util, [], ["b"], 4, "An empty sentence still gets its [SEP].")
    for _ in range(30):
        a, b = sentence(rng, "a", 0, 8), sentence(rng, "b", 0, 8)
        check(pre, util, a, b, len(a) + len(b) + 3 + rng.randint(0, 4),
              "Nothing is truncated when the pair fits: max_len counts [CLS] and both [SEP].")


def test_truncation_longer_side_from_the_end(pre, util, rng):
    """Truncation: drop the last token of the longer sentence until [CLS] a [SEP] b [SEP] fits"""
    hint = ("While len(a) + len(b) + 3 > max_len, drop the LAST token of the longer of a and b (a when they "
            "are equally long); then add [CLS] and the [SEP]s.")
    check(pre, util, ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2"], 8, hint)
    check(pre, util, ["a1"], ["b1", "b2", "b3", "b4", "b5", "b6"], 7, hint)
    check(pre, util, ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"], 5, hint)
    for _ in range(40):
        a, b = sentence(rng, "a", 0, 12), sentence(rng, "b", 0, 12)
        check(pre, util, a, b, rng.randint(3, max(3, len(a) + len(b) + 2)), hint)


def test_truncation_ties_go_to_a(pre, util, rng):
    """Truncation: when a and b are equally long, the token is dropped from a"""
    hint = "On a tie (len(a) == len(b)) drop the last token of a, so a ends up at most as long as b."
    check(pre, util, ["a1", "a2", "a3"], ["b1", "b2", "b3"], 8, hint)
    check(pre, util, ["a1", "a2"], ["b1", "b2"], 4, hint)
    for _ in range(20):
        n = rng.randint(1, 10)
        a, b = sentence(rng, "a", n, n), sentence(rng, "b", n, n)
        check(pre, util, a, b, rng.randint(3, 2 * n + 2), hint)
