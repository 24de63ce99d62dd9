"""Graders: collate, bucketed_batch_indices and teacher_forcing_pair."""

import math

import torch


# ---- collate -------------------------------------------------------------------------------

def _collate(pre, util, samples, pad_id=None):
    kwargs = {} if pad_id is None else {"pad_id": pad_id}
    call = util.call("collate", samples, **kwargs)
    result = util.sequence(pre.collate(samples, **kwargs), 3, call, "tensors (src, src_lengths, tgt)")
    src, lengths, tgt = (util.long_tensor(t, name, call) for t, name in zip(result, ("src", "src_lengths", "tgt")))
    return src, lengths, tgt, call


def _check_collate(pre, util, samples, hint="", pad_id=None):
    src, lengths, tgt, call = _collate(pre, util, samples, pad_id)
    pad = 0 if pad_id is None else pad_id
    want_src, want_lengths, want_tgt = util.collate(samples, pad)
    b = len(samples)
    for name, tensor, shape in (("src", src, (b, len(want_src[0]))), ("src_lengths", lengths, (b,)),
                                ("tgt", tgt, (b, len(want_tgt[0])))):
        assert tuple(tensor.shape) == shape, (
            f"{call}: {name} has shape {tuple(tensor.shape)}, expected {shape} (batch-first: [B, longest "
            f"length] for src and tgt, [B] for src_lengths)")
    got_src, got_lengths, got_tgt = src.tolist(), lengths.tolist(), tgt.tolist()
    if (got_src, got_lengths, got_tgt) != (want_src, want_lengths, want_tgt):
        reason = util.collate_hint(got_src, got_lengths, got_tgt, samples, pad)
        raise AssertionError(
            f"{call} returned src={got_src}, src_lengths={got_lengths}, tgt={got_tgt}; expected "
            f"src={want_src}, src_lengths={want_lengths}, tgt={want_tgt}: {reason}" + (f" ({hint})" if hint else ""))


def test_collate_shapes_and_dtypes(pre, util):
    """collate: three LongTensors, [B, S_max], [B] and [B, T_max]"""
    samples = [([4, 5], [2, 6, 3]), ([4, 5, 6, 7], [2, 3]), ([8], [2, 9, 9, 9, 3])]
    src, lengths, tgt, call = _collate(pre, util, samples)
    for name, tensor, shape in (("src", src, (3, 4)), ("src_lengths", lengths, (3,)), ("tgt", tgt, (3, 5))):
        assert tuple(tensor.shape) == shape, (
            f"{call}: {name} has shape {tuple(tensor.shape)}, expected {shape}: batch-first, padded to the "
            f"longest source (4) and the longest target (5)")


def test_collate_sorted_longest_first(pre, util):
    """collate: samples sorted by source length, longest first, targets following their sources"""
    _check_collate(pre, util, [([4, 5], [2, 6, 3]), ([4, 5, 6, 7], [2, 3]), ([8], [2, 9, 9, 9, 3])])
    _check_collate(pre, util, [([1], [2, 3]), ([5, 6, 7], [2, 8, 3]), ([9, 9], [2, 3, 0])])


def test_collate_right_padding(pre, util):
    """collate: both sides are padded on the right with pad_id"""
    samples = [([4, 5, 6], [2, 7, 3]), ([8], [2, 9, 10, 11, 3])]
    _check_collate(pre, util, samples)
    _check_collate(pre, util, samples, pad_id=99, hint="pad with the pad_id argument, here 99")


def test_collate_lengths_exclude_padding(pre, util):
    """collate: src_lengths are the true source lengths"""
    _check_collate(pre, util, [([4, 5, 6, 7, 8], [2, 3]), ([4], [2, 3]), ([9, 9, 9], [2, 3])])


def test_collate_stable_for_ties(pre, util):
    """collate: sources of equal length keep their input order (a stable sort)"""
    samples = [([4, 4], [2, 4, 3]), ([5, 5, 5], [2, 5, 3]), ([6, 6], [2, 6, 3]), ([7, 7], [2, 7, 3])]
    _check_collate(pre, util, samples, hint="three sources have length 2: they keep their input order 4, 6, 7 "
                                            "(Python's sorted(..., reverse=True) is stable; sorting ascending "
                                            "and reversing is not)")


def test_collate_order_independent(pre, util, rng):
    """collate: the result does not depend on the order the samples arrive in"""
    for size in util.sizes(12, 12):
        lengths = rng.sample(range(1, 2 * size + 3), size)  # distinct source lengths: no ties
        samples = [([rng.randint(4, 50) for _ in range(n)],
                    [2] + [rng.randint(4, 50) for _ in range(rng.randint(0, 8))] + [3])
                   for n in lengths]
        first = _collate(pre, util, samples)
        shuffled = samples[:]
        rng.shuffle(shuffled)
        second = _collate(pre, util, shuffled)
        same = all(torch.equal(a, b) for a, b in zip(first[:3], second[:3]))
        assert same, (f"{first[3]} and {second[3]} (the same samples in another order, all source lengths "
                      f"different) gave different tensors; sorting by source length must decide the order")
        _check_collate(pre, util, shuffled)


def test_collate_random(pre, util, rng):
    """collate: random batches, ties included"""
    for size in util.sizes(30, 16):
        samples = [([rng.randint(4, 30) for _ in range(rng.randint(1, size + 1))],
                    [2] + [rng.randint(4, 30) for _ in range(rng.randint(0, size))] + [3])
                   for _ in range(rng.randint(1, size))]
        _check_collate(pre, util, samples, pad_id=rng.choice([None, 0, 1, 7]))


# ---- bucketed_batch_indices -------------------------------------------------------------------

def _bucket(pre, util, lengths, batch_size, max_pad_len, rng=None, rng_text=None, what=None):
    args = (lengths, batch_size, max_pad_len) + (() if rng is None else (rng,))
    shown = what or util.shown(lengths, 400)
    call = (f"bucketed_batch_indices({shown}, {batch_size}, {max_pad_len}"
            + ("" if rng is None else f", {rng_text}") + ")")
    got = pre.bucketed_batch_indices(*args)
    return util.check_buckets(got, lengths, batch_size, max_pad_len, call), call


def test_bucketing_partition(pre, util):
    """bucketing: every sample index is in exactly one batch, the last partial batch included"""
    lengths = [(3, 4)] * 7
    _bucket(pre, util, lengths, 3, 0)
    _bucket(pre, util, [(5, 5), (1, 2), (5, 6), (9, 9), (1, 1)], 2, 1)


def test_bucketing_batch_size(pre, util):
    """bucketing: no batch is larger than batch_size"""
    lengths = [(4, 4)] * 10 + [(5, 5)] * 3
    for batch_size in (1, 4, 5, 13, 20):
        _bucket(pre, util, lengths, batch_size, 2)


def test_bucketing_source_spread(pre, util):
    """bucketing: source lengths in a batch differ by at most max_pad_len"""
    lengths = [(1, 5), (2, 5), (3, 5), (4, 5), (7, 5), (10, 5), (11, 5), (20, 5)]
    for max_pad_len in (0, 1, 3, 10):
        _bucket(pre, util, lengths, 8, max_pad_len)


def test_bucketing_target_spread(pre, util):
    """bucketing: target lengths in a batch differ by at most max_pad_len, too"""
    lengths = [(5, 1), (5, 2), (5, 3), (5, 4), (5, 7), (5, 10), (5, 11), (5, 20)]
    for max_pad_len in (0, 1, 3, 10):
        _bucket(pre, util, lengths, 8, max_pad_len)
    lengths = [(5, 5), (6, 30), (5, 6), (6, 31), (7, 5), (5, 29)]
    _bucket(pre, util, lengths, 4, 2)


def test_bucketing_batch_count(pre, util, rng):
    """bucketing: no more batches than ceil(N / batch_size) + the number of non-empty length bins"""
    for n in (8, 40, 120):
        lengths = util.lengths(rng, n, max_len=40, noise=3)
        _bucket(pre, util, lengths, 16, 4)
    _bucket(pre, util, [(s, s) for s in range(1, 31)], 10, 9)


def test_bucketing_random(pre, util, rng):
    """bucketing: random lengths, batch sizes and max_pad_len"""
    for size in util.sizes(30, 300):
        lengths = util.lengths(rng, size, max_len=rng.choice([5, 20, 60]), noise=rng.randint(0, 8))
        _bucket(pre, util, lengths, rng.randint(1, 40), rng.randint(0, 8))


def _clusters(rng, count=20):
    """Lengths in `count` far-apart clusters, each fitting in one batch of 8 with max_pad_len 2:
    every batch belongs to exactly one cluster, whatever the bucketing algorithm."""
    lengths, cluster_of = [], []
    for cluster in range(count):
        for _ in range(rng.randint(3, 8)):
            lengths.append((10 * cluster + rng.randint(1, 3), 10 * cluster + rng.randint(4, 6)))
            cluster_of.append(cluster)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    return [lengths[i] for i in order], [cluster_of[i] for i in order]


def test_bucketing_rng_shuffles_batch_order(pre, util, rng, student):
    """bucketing: the batch order is shuffled with the rng argument"""
    lengths, cluster_of = _clusters(rng)
    random = student.module("random")
    seed_a, seed_b = rng.sample(range(10**6), 2)
    what = f"<{len(lengths)} length pairs in {len(set(cluster_of))} far-apart groups: {util.shown(lengths, 80)}>"
    a1, call_a = _bucket(pre, util, lengths, 8, 2, random.Random(seed_a), f"random.Random({seed_a})", what)
    a2, _ = _bucket(pre, util, lengths, 8, 2, random.Random(seed_a), f"random.Random({seed_a})", what)
    b, _ = _bucket(pre, util, lengths, 8, 2, random.Random(seed_b), f"random.Random({seed_b})", what)
    assert a1 == a2, (f"calling {call_a} twice gave different batches; all randomness must come from the rng "
                      f"argument (rng.shuffle(batches)), not from the random module's global state")
    order_a = [cluster_of[batch[0]] for batch in a1]
    order_b = [cluster_of[batch[0]] for batch in b]
    assert order_a != order_b, (
        f"{call_a} and the same call with random.Random({seed_b}): the samples form {len(set(cluster_of))} "
        f"far-apart length groups, and with both "
        f"seeds the batches come in the same group order {order_a[:12]}...; with an rng the ORDER of the "
        f"batches must be shuffled (rng.shuffle(batches)), so that training does not see the same lengths "
        f"in the same order every epoch")


def test_bucketing_without_rng_is_deterministic(pre, util, rng):
    """bucketing: with rng=None the batches are left as built (the same on every call)"""
    lengths, cluster_of = _clusters(rng)
    what = f"<{len(lengths)} length pairs in {len(set(cluster_of))} far-apart groups: {util.shown(lengths, 80)}>"
    first, call = _bucket(pre, util, lengths, 8, 2, what=what)
    second, _ = _bucket(pre, util, lengths, 8, 2, what=what)
    assert first == second, (f"calling {call} twice gave different results; with rng=None nothing is "
                             f"shuffled: return the batches in the order they were built")


# ---- teacher_forcing_pair -----------------------------------------------------------------------

def _check_teacher_forcing(pre, util, tgt):
    call = f"teacher_forcing_pair(torch.tensor({tgt.tolist()}))"
    result = util.sequence(pre.teacher_forcing_pair(tgt), 2, call, "tensors (decoder_input, decoder_target)")
    want = (tgt[:, :-1], tgt[:, 1:])
    for name, got, expected in zip(("decoder_input", "decoder_target"), result, want):
        assert util.is_tensor(got), f"{call}: {name} is {util.shown(got, 120)}; expected a tensor"
        assert got.dtype == tgt.dtype, f"{call}: {name} has dtype {got.dtype}; keep the dtype of tgt ({tgt.dtype})"
        assert tuple(got.shape) == tuple(expected.shape), (
            f"{call}: {name} has shape {tuple(got.shape)}, expected {tuple(expected.shape)} ([B, T-1])")
    got_in, got_out = result
    if not (torch.equal(got_in, want[0]) and torch.equal(got_out, want[1])):
        if torch.equal(got_in, want[1]) and torch.equal(got_out, want[0]):
            reason = ("input and target are swapped: the decoder READS tgt[:, :-1] (starting with <sos>) and "
                      "must PREDICT tgt[:, 1:] (the next token at every step, ending with <eos>)")
        else:
            reason = "decoder_input = tgt[:, :-1] (all but the last token), decoder_target = tgt[:, 1:] (all but <sos>)"
        raise AssertionError(f"{call} returned ({got_in.tolist()}, {got_out.tolist()}), expected "
                             f"({want[0].tolist()}, {want[1].tolist()}): {reason}")


def test_teacher_forcing_shift(pre, util):
    """teacher forcing: input = tgt[:, :-1], target = tgt[:, 1:]"""
    _check_teacher_forcing(pre, util, torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]]))
    _check_teacher_forcing(pre, util, torch.tensor([[2, 3]]))


def test_teacher_forcing_random(pre, util, rng):
    """teacher forcing: random padded target batches"""
    for size in util.sizes(10, 12):
        rows = []
        width = rng.randint(2, size + 2)
        for _ in range(rng.randint(1, size)):
            n = rng.randint(0, width - 2)
            rows.append([2] + [rng.randint(4, 40) for _ in range(n)] + [3] + [0] * (width - 2 - n))
        _check_teacher_forcing(pre, util, torch.tensor(rows, dtype=torch.long))
