"""Graders: the closest reference length and the brevity penalty (the functions themselves;
how corpus and sentence BLEU use them is graded with the BLEU functions)."""

import math

from autograder.toolkit import (
    Call,
    expect_close,
    expect_equal,
    expect_raises,
    integer,
    number,
    sizes,
)

CLOSEST_RULE = "the reference length with the smallest |ref_len - hyp_len|; on a tie the shorter one"


# ---- closest_ref_length --------------------------------------------------------------

def _check_closest(bleu, mistakes, oracle, hyp_len, ref_lens, rule=CLOSEST_RULE):
    call = Call("closest_ref_length", hyp_len, ref_lens)
    got = integer(call.run(bleu), call)
    expect_equal(got, oracle.closest(hyp_len, ref_lens), call, rule=rule, mistakes=mistakes)


def test_closest_ref_is_neither_shortest_nor_longest(bleu, mistakes, oracle):
    """Closest reference length: the closest length, not the shortest or the longest"""
    rule = "the reference length with the smallest |ref_len - hyp_len|"
    for hyp_len, ref_lens in ((7, [2, 8, 12]), (10, [20, 3, 12]), (20, [3, 12]), (1, [9, 3]), (6, [3, 6, 9])):
        _check_closest(bleu, mistakes, oracle, hyp_len, ref_lens, rule)


def test_closest_ref_tie_goes_to_shorter(bleu, mistakes, oracle):
    """Closest reference length: at equal distance the shorter reference wins"""
    rule = "two reference lengths are equally close: the SHORTER one wins, whatever their order in the list"
    for hyp_len, ref_lens in ((5, [4, 6, 9]), (5, [9, 6, 4]), (3, [1, 5, 4, 2, 8])):
        _check_closest(bleu, mistakes, oracle, hyp_len, ref_lens, rule)


def test_closest_ref_random(bleu, mistakes, rng, oracle):
    """Closest reference length: random lengths, ties included"""
    for size in sizes(100, 12):
        hyp_len = rng.randint(0, size + 2)
        ref_lens = [rng.randint(1, size + 3) for _ in range(rng.randint(1, 5))]
        distance = rng.randint(1, max(1, hyp_len))
        if rng.random() < 0.5 and hyp_len - distance >= 1:
            ref_lens += [hyp_len - distance, hyp_len + distance]  # an exact tie around the hypothesis length
        # A length far beyond the others (and beyond any tie): the longest is seldom the closest.
        ref_lens.append(2 * hyp_len + max(ref_lens) + rng.randint(1, 3))
        rng.shuffle(ref_lens)
        _check_closest(bleu, mistakes, oracle, hyp_len, ref_lens)


def test_closest_ref_without_lengths(bleu, mistakes):
    """Closest reference length: an empty list of lengths raises ValueError"""
    call = Call("closest_ref_length", 3, [])
    expect_raises(ValueError, bleu.closest_ref_length, call, rule="there is no reference length to choose from",
                  mistakes=mistakes)


# ---- brevity_penalty -----------------------------------------------------------------

def _check_penalty(bleu, mistakes, hyp_len, ref_len, want, rule):
    call = Call("brevity_penalty", hyp_len, ref_len)
    got = number(call.run(bleu), call)
    expect_close(got, want, call, rule=rule, mistakes=mistakes, rel_tol=1e-9, abs_tol=1e-9)


def test_brevity_short_hypothesis(bleu, mistakes):
    """Brevity penalty: exp(1 - ref_len / hyp_len) for a shorter hypothesis"""
    rule = "a hypothesis shorter than its reference gets exp(1 - ref_len / hyp_len), a number below 1"
    for hyp_len, ref_len in ((4, 5), (1, 4), (9, 10)):
        _check_penalty(bleu, mistakes, hyp_len, ref_len, math.exp(1 - ref_len / hyp_len), rule)


def test_brevity_no_penalty_when_not_shorter(bleu, mistakes):
    """Brevity penalty: 1.0 when the hypothesis is as long as or longer than the reference"""
    rule = "only a hypothesis SHORTER than its reference is penalised: otherwise the penalty is 1.0"
    for hyp_len, ref_len in ((10, 5), (6, 5), (5, 5)):
        _check_penalty(bleu, mistakes, hyp_len, ref_len, 1.0, rule)


def test_brevity_empty_hypothesis(bleu, mistakes):
    """Brevity penalty: 0.0 for an empty hypothesis (no division by zero)"""
    rule = "an empty hypothesis gets the penalty 0.0 (the limit of exp(1 - ref_len / hyp_len))"
    for ref_len in (5, 1):
        _check_penalty(bleu, mistakes, 0, ref_len, 0.0, rule)


def test_brevity_random_lengths(bleu, mistakes, rng):
    """Brevity penalty: random lengths"""
    for size in sizes(60, 30):
        hyp_len, ref_len = rng.randint(1, size + 1), rng.randint(1, size + 1)
        want = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
        _check_penalty(bleu, mistakes, hyp_len, ref_len, want,
                       "1.0 if hyp_len > ref_len, else exp(1 - ref_len / hyp_len)")
