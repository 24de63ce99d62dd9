"""Graders: the sinusoidal positional encoding, computed here in float64."""

import math

import torch

from autograder.toolkit import Call, expect_tensor_close

RULE = ("PE[pos, 2i] = sin(pos / 10000^(2i / d_model)) and PE[pos, 2i + 1] = cos(the same angle): columns come in "
        "(sin, cos) pairs, the pair of columns 2i and 2i + 1 shares the frequency 1 / 10000^(2i / d_model)")


def expected(max_len, d):
    pe = torch.zeros(max_len, d, dtype=torch.float64)
    for pos in range(max_len):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            pe[pos, 2 * i], pe[pos, 2 * i + 1] = math.sin(angle), math.cos(angle)
    return pe


def test_pe_small(tf, mistakes):
    """Positional encoding: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(the same), at d=4, positions 0..2"""
    call = Call("sinusoidal_positional_encoding", 3, 4)
    expect_tensor_close(call.run(tf), expected(3, 4), call, rule=RULE, mistakes=mistakes,
                        notes=["index [pos, column]; position 0 is [0, 1, 0, 1]"])


def test_pe_random_sizes(tf, mistakes, rng):
    """Positional encoding: the same formula at other lengths and even widths, every entry"""
    for max_len, d in ((rng.randint(5, 60), 2 * rng.randint(3, 32)), (100, 512)):
        call = Call("sinusoidal_positional_encoding", max_len, d)
        expect_tensor_close(call.run(tf), expected(max_len, d), call, rule=RULE, mistakes=mistakes,
                            notes=["index [pos, column]"])
