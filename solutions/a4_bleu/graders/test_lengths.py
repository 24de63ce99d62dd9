"""Graders: the closest reference length and the brevity penalty."""

import math


# ---- closest_ref_length --------------------------------------------------------------

def _check_closest(bleu, util, hyp_len, ref_lens, hint):
    call = util.call("closest_ref_length", hyp_len, ref_lens)
    got = util.integer(bleu.closest_ref_length(hyp_len, ref_lens), call)
    want = util.closest(hyp_len, ref_lens)
    assert got == want, f"{call} returned {got}, expected {want}: {hint}"


def test_closest_ref_tie_goes_to_shorter(bleu, util):
    """Closest reference length: at equal distance the shorter reference wins"""
    hint = "two references are equally close; the tie goes to the SHORTER one, whatever their order"
    _check_closest(bleu, util, 5, [4, 6], hint)
    _check_closest(bleu, util, 5, [6, 4], hint)
    _check_closest(bleu, util, 3, [1, 5, 4, 2], hint)


def test_closest_ref_is_neither_shortest_nor_longest(bleu, util):
    """Closest reference length: the closest length, not the shortest or the longest"""
    hint = "pick the reference length with the smallest |ref_len - hyp_len|"
    _check_closest(bleu, util, 7, [2, 8, 12], hint)
    _check_closest(bleu, util, 10, [20, 3, 12], hint)
    _check_closest(bleu, util, 20, [3, 12], hint)
    _check_closest(bleu, util, 1, [9, 3], hint)
    _check_closest(bleu, util, 6, [3, 6, 9], hint)


def test_closest_ref_random(bleu, util, rng):
    """Closest reference length: random lengths, ties included"""
    for size in util.sizes(100, 12):
        hyp_len = rng.randint(0, size + 2)
        ref_lens = [rng.randint(1, size + 3) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.5:  # add an exact tie around the hypothesis length
            distance = rng.randint(1, max(1, hyp_len))
            if hyp_len - distance >= 1:
                ref_lens += [hyp_len - distance, hyp_len + distance]
                rng.shuffle(ref_lens)
        _check_closest(bleu, util, hyp_len, ref_lens,
                       "smallest |ref_len - hyp_len|, the shorter reference on a tie")


def test_closest_ref_used_by_corpus_bleu(bleu, util):
    """Closest reference length: corpus_bleu measures brevity against the closest reference"""
    cases = [
        # hypothesis of 5 words, references of 4 and 6: the tie goes to 4, so no penalty
        (["a", "b", "c", "d", "e"], [["a", "b", "c", "d"], ["a", "b", "c", "d", "e", "f"]],
         "the hypothesis has 5 words and the references 4 and 6: the tie goes to the shorter "
         "(4), so the hypothesis is not short and the brevity penalty is 1"),
        # hypothesis of 4 words, references of 2 and 5: the closest is 5, so a penalty
        (["a", "b", "c", "d"], [["a", "b"], ["a", "b", "c", "d", "e"]],
         "the hypothesis has 4 words and the references 2 and 5: the closest is 5, so the "
         "brevity penalty is exp(1 - 5/4), not 1"),
    ]
    for hypothesis, references, hint in cases:
        call = util.call("corpus_bleu", [hypothesis], [references])
        got = util.number(bleu.corpus_bleu([hypothesis], [references]), call)
        want = util.sacre_corpus([hypothesis], [references])
        assert util.close(got, want), f"{call} returned {got:.6f}, expected {want:.6f}: {hint}"


# ---- brevity_penalty -----------------------------------------------------------------

def _check_penalty(bleu, util, hyp_len, ref_len, want, hint):
    call = util.call("brevity_penalty", hyp_len, ref_len)
    got = util.number(bleu.brevity_penalty(hyp_len, ref_len), call)
    assert abs(got - want) <= 1e-9, f"{call} returned {got:.9f}, expected {want:.9f}: {hint}"


def test_brevity_no_penalty_when_not_shorter(bleu, util):
    """Brevity penalty: 1.0 when the hypothesis is as long as or longer than the reference"""
    hint = "only a hypothesis SHORTER than its reference is penalised"
    _check_penalty(bleu, util, 10, 5, 1.0, hint)
    _check_penalty(bleu, util, 6, 5, 1.0, hint)
    _check_penalty(bleu, util, 5, 5, 1.0, hint)


def test_brevity_short_hypothesis(bleu, util):
    """Brevity penalty: exp(1 - ref_len / hyp_len) for a shorter hypothesis"""
    hint = "the penalty for a short hypothesis is exp(1 - ref_len / hyp_len), a number below 1"
    _check_penalty(bleu, util, 4, 5, math.exp(1 - 5 / 4), hint)
    _check_penalty(bleu, util, 1, 4, math.exp(1 - 4), hint)
    _check_penalty(bleu, util, 9, 10, math.exp(1 - 10 / 9), hint)


def test_brevity_empty_hypothesis(bleu, util):
    """Brevity penalty: 0.0 for an empty hypothesis (no division by zero)"""
    hint = "an empty hypothesis gets penalty 0.0 (the limit of exp(1 - ref_len / hyp_len))"
    _check_penalty(bleu, util, 0, 5, 0.0, hint)
    _check_penalty(bleu, util, 0, 1, 0.0, hint)


def test_brevity_applied_by_corpus_bleu(bleu, util):
    """Brevity penalty: corpus_bleu multiplies by the penalty"""
    hypotheses = [["a", "b", "c", "d"]]
    references = [[["a", "b", "c", "d", "e", "f", "g", "h"]]]
    call = util.call("corpus_bleu", hypotheses, references)
    got = util.number(bleu.corpus_bleu(hypotheses, references), call)
    want = 100 * math.exp(1 - 8 / 4)
    assert util.close(got, want), (
        f"{call} returned {got:.6f}, expected {want:.6f}: every precision is 100% but the "
        f"hypothesis has 4 words against 8, so BLEU = 100 * exp(1 - 8/4)")
