"""Graders: the sinusoidal positional encoding, computed here in float64."""

import math

import torch


def expected(max_len, d):
    pe = torch.zeros(max_len, d, dtype=torch.float64)
    for pos in range(max_len):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            pe[pos, 2 * i], pe[pos, 2 * i + 1] = math.sin(angle), math.cos(angle)
    return pe


def test_pe_small(tf, util):
    """Positional encoding: d=4, positions 0..2 (sin on even, cos on odd columns)"""
    call = "sinusoidal_positional_encoding(3, 4)"
    got = util.tensor(tf.sinusoidal_positional_encoding(3, 4), call, shape=(3, 4))
    want = expected(3, 4)
    assert util.close(got, want), (
        f"{call} returned {util.show(got)}; expected {util.show(want)}: PE[pos, 2i] = sin(pos / 10000^(2i/d)), "
        f"PE[pos, 2i+1] = cos(the same angle); position 0 is [0, 1, 0, 1]")


def test_pe_random_sizes(tf, util, rng):
    """Positional encoding: other lengths and even widths, every entry"""
    for max_len, d in ((rng.randint(5, 60), 2 * rng.randint(3, 32)), (100, 512)):
        call = f"sinusoidal_positional_encoding({max_len}, {d})"
        got = util.tensor(tf.sinusoidal_positional_encoding(max_len, d), call, shape=(max_len, d))
        want = expected(max_len, d)
        assert util.close(got, want), (
            f"{call} differs {util.first_difference(got, want)} (index [pos, column]): the frequency of columns "
            f"2i and 2i+1 is 1 / 10000^(2i/d), with 2i the even column index")
