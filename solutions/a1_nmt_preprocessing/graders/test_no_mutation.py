"""Graders: no function changes the lists or tensors it is given.

Arguments normally cross to the student process as copies, so a change made there would
be invisible here. These tests therefore build a ``functools.partial`` IN the student
process: it keeps the argument objects the student's function receives, and reading
``partial.args`` after the call shows them as they were left.
"""

import copy

import torch


def _call_and_inspect(student, function, *args, **kwargs):
    """Call function(*args, **kwargs) in the student process; return (result, args afterwards)."""
    bound = student.module("functools").partial(function, *args, **kwargs)
    result = bound()
    return result, bound.args


def _check_unchanged(before, after, call, name, hint):
    if isinstance(before, torch.Tensor):
        same = isinstance(after, torch.Tensor) and torch.equal(before, after)
    else:
        same = _plain(after) == _plain(before)
    assert same, (f"{call} changed its argument {name}: it was {before!r} and is {after!r} after the call. "
                  f"{hint} The caller still needs its data (the same sentence is numericalized again in the "
                  f"next epoch); work on copies (sorted(), slicing, list + list) instead")


def _plain(value):
    """Lists and tuples as nested lists (the comparison is about contents, not container types)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def test_no_mutation_numericalize(pre, util, student):
    """No mutation: numericalize leaves the token lists unchanged"""
    src_vocab = util.vocab(pre, util.SPECIALS + ["the", "cat", "sat"])
    tgt_vocab = util.vocab(pre, util.SPECIALS + ["el", "gato"])
    for reverse in (True, False):
        src, tgt = ["the", "cat", "sat", "down"], ["el", "gato", "se", "sentó"]
        call = f"numericalize({src}, {tgt}, src_vocab, tgt_vocab, 3, reverse_source={reverse})"
        _, after = _call_and_inspect(student, pre.numericalize, copy.deepcopy(src), copy.deepcopy(tgt),
                                     src_vocab, tgt_vocab, 3, reverse_source=reverse)
        _check_unchanged(src, after[0], call, "src_tokens", "(list.reverse() and list.insert() work in place.)")
        _check_unchanged(tgt, after[1], call, "tgt_tokens", "(list.insert() and list.append() work in place.)")


def test_no_mutation_collate(pre, util, student):
    """No mutation: collate neither sorts the samples list nor pads the id lists in place"""
    samples = [([4, 5], [2, 6, 3]), ([4, 5, 6, 7], [2, 3]), ([8], [2, 9, 9, 9, 3])]
    _, after = _call_and_inspect(student, pre.collate, copy.deepcopy(samples))
    _check_unchanged(samples, after[0], util.call("collate", samples), "samples",
                     "(samples.sort() reorders the caller's list; list.extend() / += pads it in place.)")


def test_no_mutation_other_functions(pre, util, student):
    """No mutation: build_vocab, filter_pairs, decode, bucketed_batch_indices, teacher_forcing_pair"""
    corpus = [["b", "a", "<unk>"], ["a"]]
    _, after = _call_and_inspect(student, pre.build_vocab, copy.deepcopy(corpus), max_size=5)
    _check_unchanged(corpus, after[0], util.call("build_vocab", corpus, max_size=5), "corpus", "")

    pairs = [("a b", "c"), ("", "d"), ("e", "f g")]
    _, after = _call_and_inspect(student, pre.filter_pairs, list(pairs), 1)
    _check_unchanged(pairs, after[0], util.call("filter_pairs", pairs, 1), "pairs",
                     "(Build a new list of kept pairs instead of removing from the input.)")

    ids = [2, 4, 0, 5, 3, 0]
    vocab = util.vocab(pre, util.SPECIALS + ["x", "y"])
    _, after = _call_and_inspect(student, pre.decode, list(ids), vocab)
    _check_unchanged(ids, after[0], f"decode({ids}, vocab)", "ids", "(pop() and remove() work in place.)")

    lengths = [(5, 6), (1, 2), (9, 9), (1, 1), (5, 5)]
    _, after = _call_and_inspect(student, pre.bucketed_batch_indices, list(lengths), 2, 1)
    _check_unchanged(lengths, after[0], util.call("bucketed_batch_indices", lengths, 2, 1), "lengths",
                     "(lengths.sort() reorders the caller's list: sort a list of indices instead.)")

    tgt = torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]])
    _, after = _call_and_inspect(student, pre.teacher_forcing_pair, tgt.clone())
    _check_unchanged(tgt, after[0], f"teacher_forcing_pair(torch.tensor({tgt.tolist()}))", "tgt", "")
