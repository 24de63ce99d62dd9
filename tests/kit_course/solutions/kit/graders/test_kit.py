"""Graders of the kit course: every toolkit piece once."""

import random

from autograder.toolkit import (
    Call, counter, expect_close, expect_equal, expect_rate, expect_unchanged, number, sequence, trusted,
)

COUNT_RULE = "every token is counted as often as it occurs"


def test_count_sentence(student, mistakes):
    """Counting: a sentence with repeats"""
    kit = student.module("kit")
    call = Call("count", ["x", "a", "b", "a"])
    got = counter(call.run(kit), call)
    expect_equal(got, {"x": 1, "a": 2, "b": 1}, call, rule=COUNT_RULE, mistakes=mistakes,
                 normalize=lambda value: {k: v for k, v in value.items() if v})


def test_count_empty(student):
    """Counting: no tokens give an empty Counter"""
    kit = student.module("kit")
    call = Call("count", [])
    expect_equal(counter(call.run(kit), call), {}, call, rule="no tokens, no counts")


def _share(student, mistakes, tokens, token):
    kit = student.module("kit")
    call = Call("share", tokens, token)
    with trusted(kit, mistakes, "count"):
        got = number(call.run(kit), call)
    expect_close(got, tokens.count(token) / len(tokens), call, rule="count of the token / number of tokens",
                 mistakes=mistakes)


def test_share_sentences(student, mistakes):
    """Sharing: the share of a token in a sentence with repeats"""
    _share(student, mistakes, ["a", "b", "a", "c"], "a")


def test_share_recheck(student, mistakes, rng):
    """Sharing: random sentences"""
    for _ in range(10):
        tokens = [rng.choice("abc") for _ in range(rng.randint(1, 8))]
        _share(student, mistakes, tokens, rng.choice("abc"))


def test_sort_leaves_argument(student, mistakes):
    """Copying: the argument is left as it was"""
    kit = student.module("kit")
    call = Call("sort_in_place", [3, 1, 2])
    got = expect_unchanged(student, kit, call, rule="the function returns a new list; the caller's stays as it was",
                           mistakes=mistakes)
    expect_equal(sequence(got, call), [1, 2, 3], call, rule="the values in increasing order")


def test_coin_rate(student, mistakes):
    """Coins: 1 comes with probability 0.3 (a correct solution fails with probability below 1e-6)"""
    kit = student.module("kit")
    generator = student.module("random").Random(7)
    n = 4000
    draws = sequence(kit.coin(generator, n), f"coin(random.Random(7), {n})")
    expect_rate(sum(draws), n, 0.3, what="1 came", rule="each draw is 1 with probability 0.3",
                call=f"coin(random.Random(7), {n})", mistakes=mistakes, function="coin",
                rate_of=lambda module: sum(module.coin(random.Random(1), 20000)) / 20000)
