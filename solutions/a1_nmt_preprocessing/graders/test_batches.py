"""Graders: collate, bucketed_batch_indices and teacher_forcing_pair.

A collate check reads one aspect of the batch (the order of the samples, the padding, the
lengths, the dtypes and shapes), so that each rule is charged by its own test. The
contract leaves the bucketing algorithm free, so its checks state what is wrong with the
batches (the first sample in no batch, the first batch that is too wide, ...) and compare
that with "nothing".

The batch-count test also records, for the report's picture, the padding the student's
batches need beside random batches and batches in corpus order of the same size
(``bucket_padding``), computed here from the batches the checks read.
"""

import functools
import random

import torch

from autograder.results import Evidence
from autograder.toolkit import Call, CheckFailed, expect_unchanged, fail, integer, sequence, sizes

# ---- collate -------------------------------------------------------------------------------

def _parts(value):
    return sequence(value, "collate(...)", 3, "a tuple (src, src_lengths, tgt)")


def _strip(row, pad_id):
    """A padded row without the padding at either end."""
    start, end = 0, len(row)
    while start < end and row[start] == pad_id:
        start += 1
    while end > start and row[end - 1] == pad_id:
        end -= 1
    return row[start:end]


def _order(pad_id):
    """The samples in the order of the batch's rows, padding removed."""
    def read(value):
        src, _, tgt = map(_rows, _parts(value))
        return [(_strip(s, pad_id), _strip(t, pad_id)) for s, t in zip(src, tgt)]
    return read


def _rows(value):
    """Nested lists, from a tensor or from lists (the dtype is another test's business)."""
    return value.tolist() if hasattr(value, "tolist") else [list(v) if isinstance(v, (list, tuple)) else v
                                                          for v in value]


def _padded_rows(value):
    """The rows of src and of tgt, each sorted (their order is another test's business)."""
    src, _, tgt = map(_rows, _parts(value))
    return sorted(src), sorted(tgt)


def _lengths_of_rows(pad_id):
    """(row without padding, its length in src_lengths) for every row, sorted."""
    def read(value):
        src, lengths, _ = map(_rows, _parts(value))
        return sorted((_strip(row, pad_id), length) for row, length in zip(src, lengths))
    return read


def _all(value):
    return tuple(map(_rows, _parts(value)))


def _kinds(value):
    """dtype and shape of each of the three tensors."""
    return [(str(getattr(t, "dtype", type(t).__name__)), list(getattr(t, "shape", [len(t)]))) for t in _parts(value)]


def _collate(pre, mistakes, a1, shown, read, want, rule, samples, *pad_id):
    a1.Then(shown, read, "collate", samples, *pad_id).check(pre, want, mistakes=mistakes, rule=rule)


ORDER = ("the samples are sorted by source length, longest first, each target staying with its source; the sort "
         "is stable (equal source lengths keep their input order)")
SAMPLES = [([4, 5], [2, 6, 3]), ([4, 5, 6, 7], [2, 3]), ([8], [2, 9, 9, 9, 3])]


def test_collate_shapes_and_dtypes(pre, mistakes, a1):
    """collate: three LongTensors, [B, S_max], [B] and [B, T_max]"""
    _collate(pre, mistakes, a1, "[(t.dtype, list(t.shape)) for t in {}]", _kinds,
             [("torch.int64", [3, 4]), ("torch.int64", [3]), ("torch.int64", [3, 5])],
             "src [B, longest source], src_lengths [B] and tgt [B, longest target], all torch.long (int64): what "
             "nn.Embedding and pack_padded_sequence expect", SAMPLES)


def test_collate_sorted_longest_first(pre, mistakes, a1, oracle):
    """collate: samples sorted by source length, longest first, each target with its source"""
    for samples in (SAMPLES, [([1], [2, 3]), ([5, 6, 7], [2, 8, 3]), ([9, 9], [2, 9, 9, 9, 9, 3])]):
        want = sorted(samples, key=lambda s: -len(s[0]))
        _collate(pre, mistakes, a1, "{} (its rows as (source, target), padding removed)", _order(0), want, ORDER,
                 samples)


def test_collate_stable_for_ties(pre, mistakes, a1):
    """collate: sources of equal length keep their input order (a stable sort)"""
    samples = [([4, 4], [2, 4, 3]), ([5, 5, 5], [2, 5, 3]), ([6, 6], [2, 6, 3]), ([7, 7], [2, 7, 3])]

    def ties(value):  # the sources of length 2, in the order of the rows
        return [source for source, _ in _order(0)(value) if len(source) == 2]

    _collate(pre, mistakes, a1, "{} (its source rows of length 2, in order)", ties, [[4, 4], [6, 6], [7, 7]],
             "samples with equal source lengths keep their input order: the sort is stable (sorted(samples, key=..., "
             "reverse=True) is; sorting ascending and then reversing is not)", samples)


def test_collate_right_padding(pre, mistakes, a1, oracle):
    """collate: both sides are padded on the right with pad_id"""
    samples = [([4, 5, 6], [2, 7, 3]), ([8], [2, 9, 10, 11, 3])]
    for pad_id in ((), (99,)):
        src, _, tgt = oracle.collate(samples, *pad_id)
        _collate(pre, mistakes, a1, "{} (the rows of src and of tgt, each sorted)", _padded_rows,
                 (sorted(src), sorted(tgt)),
                 "every row is filled up on the RIGHT with pad_id (default 0) to the length of the longest row",
                 samples, *pad_id)


def test_collate_lengths_exclude_padding(pre, mistakes, a1):
    """collate: src_lengths are the true source lengths, padding not counted"""
    samples = [([4, 5, 6, 7, 8], [2, 3]), ([4], [2, 3]), ([9, 9, 9], [2, 3])]
    _collate(pre, mistakes, a1, "{} (each source row, padding removed, with its src_lengths entry)", _lengths_of_rows(0),
             sorted((s, len(s)) for s, _ in samples),
             "src_lengths[i] is the number of real tokens of row i of src (its padding not counted)", samples)


def test_collate_leaves_samples_unchanged(student, pre, mistakes):
    """collate: the samples list and its id lists are left as they were"""
    call = Call("collate", [([4, 5], [2, 6, 3]), ([4, 5, 6, 7], [2, 3]), ([8], [2, 9, 9, 9, 3])])
    expect_unchanged(student, pre, call, mistakes=mistakes,
                     rule="collate builds new lists and tensors: the caller's list keeps its order and its id lists "
                          "are not padded (no samples.sort(), extend() or += on them)")


def _random_samples(rng, size):
    """A batch whose input order is neither sorted nor reverse sorted by source length."""
    while True:
        samples = [([rng.randint(4, 30) for _ in range(rng.randint(1, size + 1))],
                    [2] + [rng.randint(4, 30) for _ in range(rng.randint(0, size))] + [3])
                   for _ in range(rng.randint(3, size + 3))]
        lengths = [len(s) for s, _ in samples]
        if lengths != sorted(lengths) and lengths != sorted(lengths, reverse=True):
            return samples


def test_collate_random(pre, mistakes, rng, a1, oracle):
    """collate: random batches, equal source lengths included"""
    for size in sizes(25, 12):
        samples = _random_samples(rng, size)
        pad_id = rng.choice([(), (0,), (1,), (7,)])
        _collate(pre, mistakes, a1, "{}", _all, oracle.collate(samples, *pad_id),
                 "sorted by source length, longest first (stable); right-padded with pad_id; src_lengths the true "
                 "source lengths", samples, *pad_id)


# ---- bucketed_batch_indices ---------------------------------------------------------------------

def _batches(value, samples=None):
    """The batches as lists of ints (what the checks below read); with ``samples``, every
    index must name one of them."""
    call = "bucketed_batch_indices(...)"
    batches = sequence(value, call, what="a list of batches")
    read = [[integer(i, f"an index in {call}") for i in sequence(batch, call, what="a list of sample indices")]
            for batch in batches]
    if samples is not None:
        wrong = [i for batch in read for i in batch if not 0 <= i < samples]
        if wrong:
            raise fail("every index is the position of a sample in lengths", call, f"the index {wrong[0]}",
                       f"indices from 0 to {samples - 1}")
    return read


def _partition(lengths):
    """What breaks the partition rule (or the text for nothing), for a read of the batches."""
    ok = "batches in which every sample is in exactly one batch"

    def read(value):
        batches, n = _batches(value), len(lengths)
        seen = {}
        for number, batch in enumerate(batches):
            if not batch:
                return f"batches of which batch {number} is empty"
            for index in batch:
                if not 0 <= index < n:
                    return f"batches of which batch {number} holds {index}, not a sample index (0..{n - 1})"
                seen[index] = seen.get(index, 0) + 1
        repeated = sorted(i for i, c in seen.items() if c > 1)
        if repeated:
            return f"batches in which sample {repeated[0]} is in {seen[repeated[0]]} batches"
        missing = sorted(set(range(n)) - set(seen))
        if missing:
            return f"batches in which {len(missing)} of the {n} samples are in no batch (the first: sample {missing[0]})"
        return ok
    return read, ok


def _size(batch_size):
    ok = f"batches of at most {batch_size} samples each"

    def read(value):
        for number, batch in enumerate(_batches(value)):
            if len(batch) > batch_size:
                return f"batches of which batch {number} has {len(batch)} samples"
        return ok
    return read, ok


def _spread(lengths, max_pad_len, side):
    name = ("source", "target")[side]
    ok = f"batches whose {name} lengths differ by at most {max_pad_len}"

    def read(value):
        for number, batch in enumerate(_batches(value)):
            values = [lengths[i][side] for i in batch if 0 <= i < len(lengths)]
            if values and max(values) - min(values) > max_pad_len:
                return f"batches of which batch {number} has the {name} lengths {sorted(values)}"
        return ok
    return read, ok


def _count(bound):
    ok = f"at most {bound} batches"

    def read(value):
        count = len(_batches(value))
        return f"{count} batches" if count > bound else ok
    return read, ok


def _every_rule(lengths, batch_size, max_pad_len, oracle):
    """The first broken rule, in the order of the tests above."""
    checks = [_partition(lengths), _size(batch_size), _spread(lengths, max_pad_len, 0),
              _spread(lengths, max_pad_len, 1), _count(oracle.batch_bound(lengths, batch_size, max_pad_len))]
    ok = "batches that keep every rule"

    def read(value):
        for check, fine in checks:
            problem = check(value)
            if problem != fine:
                return problem
        return ok
    return read, ok


def _bucket(pre, mistakes, a1, check, rule, lengths, batch_size, max_pad_len, seen=None):
    read, ok = check
    call = a1.Then("{}", read, "bucketed_batch_indices", lengths, batch_size, max_pad_len)
    call.check(pre, ok, mistakes=mistakes, rule=rule, show=str, seen=seen)


PARTITION = ("the batches are a partition of the sample indices: every index in exactly one batch, none dropped "
             "(not even the last, smaller batch), no empty batch")


def test_bucketing_partition(pre, mistakes, a1):
    """bucketing: every sample index is in exactly one batch"""
    lengths = [(3, 4)] * 6
    _bucket(pre, mistakes, a1, _partition(lengths), PARTITION, lengths, 3, 0)


def test_bucketing_keeps_last_batch(pre, mistakes, a1):
    """bucketing: the last, smaller batch of a group is kept too"""
    for lengths, batch_size, max_pad_len in (([(3, 4)] * 7, 3, 0), ([(5, 5), (1, 2), (5, 6), (9, 9), (1, 1)], 2, 1)):
        _bucket(pre, mistakes, a1, _partition(lengths), PARTITION, lengths, batch_size, max_pad_len)


def test_bucketing_batch_size(pre, mistakes, a1):
    """bucketing: no batch is larger than batch_size"""
    lengths = [(4, 4)] * 10 + [(5, 5)] * 3
    for batch_size in (4, 1, 5, 13, 20):
        _bucket(pre, mistakes, a1, _size(batch_size), "a batch holds at most batch_size samples", lengths,
                batch_size, 2)


def test_bucketing_source_spread(pre, mistakes, a1):
    """bucketing: source lengths in a batch differ by at most max_pad_len"""
    lengths = [(1, 5), (2, 5), (3, 5), (4, 5), (7, 5), (10, 5), (11, 5), (20, 5)]
    for max_pad_len in (0, 1, 3, 10):
        _bucket(pre, mistakes, a1, _spread(lengths, max_pad_len, 0),
                "inside a batch, max - min of the source lengths is at most max_pad_len", lengths, 8, max_pad_len)


def test_bucketing_target_spread(pre, mistakes, a1):
    """bucketing: target lengths in a batch differ by at most max_pad_len, too"""
    rule = "inside a batch, max - min of the target lengths is at most max_pad_len (as for the sources)"
    cases = [([(5, 5), (6, 30), (5, 6), (6, 31), (7, 5), (5, 29)], 4, 2)]
    cases += [([(5, 1), (5, 2), (5, 3), (5, 4), (5, 7), (5, 10), (5, 11), (5, 20)], 8, m) for m in (0, 1, 3, 10)]
    for lengths, batch_size, max_pad_len in cases:
        _bucket(pre, mistakes, a1, _spread(lengths, max_pad_len, 1), rule, lengths, batch_size, max_pad_len)


def test_bucketing_batch_count(pre, mistakes, a1, rng, cases, oracle, record):
    """bucketing: no more batches than ceil(N / batch_size) + the number of non-empty length bins"""
    rule = ("at most ceil(N / batch_size) + (the number of non-empty 2-D bins of width max_pad_len + 1) batches: "
            "samples whose lengths fall in one bin share batches, filled up to batch_size")
    inputs = [([(s, s) for s in range(1, 31)], 10, 9)] + [(cases.lengths(rng, n, 40, 3), 16, 4) for n in (8, 40, 120)]
    for lengths, batch_size, max_pad_len in inputs:
        picture = functools.partial(_record_padding, record, lengths, batch_size, max_pad_len)
        _bucket(pre, mistakes, a1, _count(oracle.batch_bound(lengths, batch_size, max_pad_len)), rule, lengths,
                batch_size, max_pad_len, seen=picture)


def test_bucketing_leaves_lengths_unchanged(student, pre, mistakes):
    """bucketing: the list of lengths it is given is left as it was"""
    call = Call("bucketed_batch_indices", [(5, 6), (1, 2), (9, 9), (1, 1), (5, 5)], 2, 1)
    expect_unchanged(student, pre, call, mistakes=mistakes,
                     rule="bucketed_batch_indices only reads the lengths; the caller's list keeps its order")


def _clusters(rng, count=20):
    """Lengths in `count` far-apart clusters of 3 to 8 samples, each cluster within
    max_pad_len 2 on both sides: with any bucketing that keeps the rules, every batch
    belongs to one cluster, and batches of 2 make about 50 batches to shuffle."""
    lengths, cluster_of = [], []
    for cluster in range(count):
        for _ in range(rng.randint(3, 8)):
            lengths.append((10 * cluster + rng.randint(1, 3), 10 * cluster + rng.randint(4, 6)))
            cluster_of.append(cluster)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    return [lengths[i] for i in order], [cluster_of[i] for i in order]


def _randomness_failure(mistakes, behaves_like, rule, call, observed, expected):
    """A failed check of what two calls do together, naming the known mistake that does the same."""
    return CheckFailed(Evidence(rule=rule, call=call, observed=observed, expected=expected,
                                diagnosis=mistakes.recognise("bucketed_batch_indices", behaves_like)))


def test_bucketing_same_seed_same_batches(pre, mistakes, rng, seeded, a1):
    """bucketing: all randomness comes from rng (the same seed gives the same batches)"""
    lengths, _ = _clusters(rng)
    seed = rng.randrange(10**6)
    first = a1.Then("{}", _batches, "bucketed_batch_indices", lengths, 2, 2, seeded(seed))
    second = a1.Then("{}", _batches, "bucketed_batch_indices", lengths, 2, 2, seeded(seed))
    got = [_batches(call.run(pre)) for call in (first, second)]
    if got[0] != got[1]:
        def behaves_like(module):
            import random
            answers = [module.bucketed_batch_indices(list(lengths), 2, 2, random.Random(seed)) for _ in range(2)]
            return answers[0] != answers[1]

        raise _randomness_failure(
            mistakes, behaves_like, "use only the rng argument (rng.shuffle(batches)), never the random module's "
            "global functions: the caller seeds rng to make training reproducible",
            f"{first} twice", "different batches the second time", "the same batches both times")


def test_bucketing_rng_shuffles_batch_order(pre, mistakes, rng, seeded, a1):
    """bucketing: the batch order is shuffled with the rng argument

    Two seeds give the same order of the ~50 batches of 20 length groups with probability
    far below 1e-30 for a correct solution (one arrangement among more than 1e40).
    """
    lengths, cluster_of = _clusters(rng)
    seed_a, seed_b = rng.sample(range(10**6), 2)
    calls = [a1.Then("{}", _batches, "bucketed_batch_indices", lengths, 2, 2, seeded(s)) for s in (seed_a, seed_b)]
    orders = [[cluster_of[batch[0]] for batch in _batches(call.run(pre), len(lengths)) if batch] for call in calls]
    if orders[0] == orders[1]:
        def behaves_like(module):  # the same batch order as the student's, with both seeds
            import random
            return all([cluster_of[b[0]] for b in module.bucketed_batch_indices(list(lengths), 2, 2, random.Random(s))
                        if b] == orders[0] for s in (seed_a, seed_b))

        raise _randomness_failure(
            mistakes, behaves_like, "with an rng, the ORDER of the batches is shuffled with it (rng.shuffle(batches)), "
            "so that training does not meet the same lengths in the same order every epoch",
            f"{calls[0]} and the same call with random.Random({seed_b})",
            f"the batches of the {len(set(cluster_of))} far-apart length groups in the same group order with both "
            f"seeds: {orders[0][:12]}...", "another order with another seed")


def test_bucketing_without_rng_is_deterministic(pre, mistakes, rng, a1):
    """bucketing: with rng=None the batches are left as built (the same on every call)"""
    lengths, _ = _clusters(rng)
    call = a1.Then("{}", _batches, "bucketed_batch_indices", lengths, 2, 2)
    got = [_batches(call.run(pre)) for _ in range(2)]
    if got[0] != got[1]:
        def behaves_like(module):
            return len({str(module.bucketed_batch_indices(list(lengths), 2, 2)) for _ in range(3)}) > 1

        raise _randomness_failure(
            mistakes, behaves_like, "with rng=None nothing is shuffled: the batches come in the order they were built, "
            "so the same input gives the same batches", f"{call} twice", "different batches the second time",
            "the same batches both times")


ALL_RULES = ("a partition of the indices into batches of at most batch_size, whose source and target lengths each "
             "differ by at most max_pad_len, with at most ceil(N / batch_size) + (non-empty bins) batches")


def test_bucketing_random(pre, mistakes, rng, cases, a1, oracle):
    """bucketing: every rule, on random lengths, batch sizes and max_pad_len"""
    for size in sizes(20, 300):
        lengths = cases.lengths(rng, size, max_len=rng.choice([5, 20, 60]), noise=rng.randint(0, 8))
        batch_size, max_pad_len = rng.randint(1, 40), rng.randint(0, 8)
        _bucket(pre, mistakes, a1, _every_rule(lengths, batch_size, max_pad_len, oracle), ALL_RULES, lengths,
                batch_size, max_pad_len)


def test_bucketing_real_sample(pre, mistakes, rng, cases, a1, oracle):
    """bucketing: every rule, on the lengths of 200 numericalized verse pairs of the real sample"""
    pairs = [(oracle.tokenize(en), oracle.tokenize(es)) for en, es in rng.sample(cases.sample_pairs(), 200)]
    max_len = rng.randint(10, 40)
    lengths = [(min(len(s), max_len), min(len(t), max_len - 2) + 2) for s, t in pairs]
    batch_size, max_pad_len = rng.randint(8, 32), rng.randint(1, 5)
    _bucket(pre, mistakes, a1, _every_rule(lengths, batch_size, max_pad_len, oracle), ALL_RULES, lengths,
            batch_size, max_pad_len)


# ---- the report's picture: padding with and without bucketing ----------------------------------

MAX_PICTURE_BATCHES = 80
"""Batches per batching kept for the picture (the most padded)."""


def _padding(lengths, batches):
    """The padding of batches whose sources and targets are each right-padded to the batch's
    longest: the padding tokens of each batch (most padded first), their sum, and all the cells."""
    pads, cells = [], 0
    for batch in batches:
        sources, targets = [lengths[i][0] for i in batch], [lengths[i][1] for i in batch]
        width = max(sources) + max(targets)
        cells += width * len(batch)
        pads.append(width * len(batch) - sum(sources) - sum(targets))
    return {"pads": sorted(pads, reverse=True)[:MAX_PICTURE_BATCHES], "batches": len(batches),
            "padding": sum(pads), "cells": cells}


def _padding_picture(lengths, batch_size, max_pad_len, value):
    """The ``bucket_padding`` record of the student's batches (None unless they are a
    partition into non-empty batches), random batches and batches in corpus order."""
    batches = _batches(value, len(lengths))
    indices = sorted(i for batch in batches for i in batch)
    if any(not batch for batch in batches) or indices != list(range(len(lengths))):
        return None
    shuffled = list(range(len(lengths)))
    random.Random(0).shuffle(shuffled)

    def chunks(order):
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

    return {"samples": len(lengths), "batch_size": batch_size, "max_pad_len": max_pad_len,
            "batchings": {"yours": _padding(lengths, batches), "random": _padding(lengths, chunks(shuffled)),
                          "in_order": _padding(lengths, chunks(list(range(len(lengths)))))}}


def _record_padding(record, lengths, batch_size, max_pad_len, value):
    """Record the picture of this case (None, no picture, where the batches cannot be drawn),
    never failing: a picture decides nothing."""
    try:
        picture = _padding_picture(lengths, batch_size, max_pad_len, value)
    except Exception:  # noqa: BLE001 - what the checks say about the batches is said there
        picture = None
    record("bucket_padding", picture)


# ---- teacher_forcing_pair -----------------------------------------------------------------------

def _pair(value):
    return sequence(value, "teacher_forcing_pair(...)", 2, "a tuple (decoder_input, decoder_target)")


def _shifted(value):
    return tuple(_rows(t) for t in _pair(value))


def _pair_kinds(value):
    return [(str(getattr(t, "dtype", type(t).__name__)), list(getattr(t, "shape", []))) for t in _pair(value)]


SHIFT = ("decoder_input = tgt[:, :-1] (every position but the last) and decoder_target = tgt[:, 1:] (every "
         "position but <sos>): at step t the decoder reads token t and must predict token t + 1")


def _teacher_forcing(pre, mistakes, a1, read, want, rule, tgt, shown="{}"):
    a1.Then(shown, read, "teacher_forcing_pair", tgt).check(pre, want, mistakes=mistakes, rule=rule)


def test_teacher_forcing_shift(pre, mistakes, a1):
    """teacher forcing: decoder input = tgt[:, :-1], decoder target = tgt[:, 1:]"""
    for tgt in (torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]]), torch.tensor([[2, 3]])):
        _teacher_forcing(pre, mistakes, a1, _shifted, (tgt[:, :-1].tolist(), tgt[:, 1:].tolist()), SHIFT, tgt)


def test_teacher_forcing_shapes_and_dtype(pre, mistakes, a1):
    """teacher forcing: two [B, T-1] tensors with the dtype of tgt"""
    for tgt in (torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0], [2, 8, 3, 0]]), torch.tensor([[2, 3]], dtype=torch.int32)):
        kind = (str(tgt.dtype), [tgt.shape[0], tgt.shape[1] - 1])
        _teacher_forcing(pre, mistakes, a1, _pair_kinds, [kind, kind],
                         "both are [B, T-1] (one position fewer along the time axis, dim 1) with tgt's dtype", tgt,
                         "[(t.dtype, list(t.shape)) for t in {}]")


def test_teacher_forcing_leaves_tgt_unchanged(student, pre, mistakes):
    """teacher forcing: the tgt tensor it is given is left as it was"""
    call = Call("teacher_forcing_pair", torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]]))
    expect_unchanged(student, pre, call, mistakes=mistakes,
                     rule="teacher_forcing_pair slices tgt; it never changes it in place")


def test_teacher_forcing_random(pre, mistakes, rng, a1):
    """teacher forcing: random padded target batches"""
    for size in sizes(10, 12):
        width, batch = rng.randint(2, size + 2), []
        for _ in range(rng.randint(1, size)):
            n = rng.randint(0, width - 2)
            batch.append([2] + [rng.randint(4, 40) for _ in range(n)] + [3] + [0] * (width - 2 - n))
        tgt = torch.tensor(batch, dtype=torch.long)
        _teacher_forcing(pre, mistakes, a1, _shifted, (tgt[:, :-1].tolist(), tgt[:, 1:].tolist()), SHIFT, tgt)
