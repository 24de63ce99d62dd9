"""Graders: numericalize and decode.

Both are graded with correct vocabularies (the ``vocab`` fixture) in place of the
student's Vocab class, which has its own concept.
"""

from autograder.toolkit import Call, expect_unchanged, integer, sequence, sizes

SRC_ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "the", "cat", "sat", "on", "mat", "a"]
TGT_ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "el", "gato", "se", "sentó", "en", "la", "alfombra"]


def _ids(value):
    """The two id lists of a numericalize result, as lists."""
    src, tgt = sequence(value, "numericalize(...)", 2)
    return ([integer(i, "an id in numericalize(...)[0]") for i in sequence(src, "numericalize(...)[0]")],
            [integer(i, "an id in numericalize(...)[1]") for i in sequence(tgt, "numericalize(...)[1]")])


def _numericalize(pre, mistakes, a1, vocab, shown, read, want, rule, src, tgt, max_len, *,
                  src_itos=SRC_ITOS, tgt_itos=TGT_ITOS, **kwargs):
    call = a1.Then(shown, read, "numericalize", src, tgt, vocab(src_itos), vocab(tgt_itos), max_len, **kwargs)
    call.check(pre, want, mistakes=mistakes, rule=rule)


def _target(pre, mistakes, a1, vocab, oracle, rule, src, tgt, max_len, **kwargs):
    want = oracle.numericalize(src, tgt, SRC_ITOS, TGT_ITOS, max_len, kwargs.get("reverse_source", False))[1]
    _numericalize(pre, mistakes, a1, vocab, "{}[1]", lambda r: _ids(r)[1], want, rule, src, tgt, max_len, **kwargs)


def _source(pre, mistakes, a1, vocab, oracle, rule, src, tgt, max_len, **kwargs):
    want = oracle.numericalize(src, tgt, SRC_ITOS, TGT_ITOS, max_len, kwargs.get("reverse_source", False))[0]
    _numericalize(pre, mistakes, a1, vocab, "{}[0]", lambda r: _ids(r)[0], want, rule, src, tgt, max_len, **kwargs)


def _source_order(pre, mistakes, a1, vocab, oracle, rule, src, tgt, max_len, **kwargs):
    """The source ids, any <sos> or <eos> left out (their absence is another test's rule)."""
    want = oracle.numericalize(src, tgt, SRC_ITOS, TGT_ITOS, max_len, kwargs.get("reverse_source", False))[0]
    _numericalize(pre, mistakes, a1, vocab, "[i for i in {}[0] if i not in (2, 3)]",
                  lambda r: [i for i in _ids(r)[0] if i not in (2, 3)], want, rule, src, tgt, max_len, **kwargs)


# ---- numericalize ---------------------------------------------------------------------------

TARGET = "the target is [<sos>] + the ids of its first max_len - 2 tokens + [<eos>]: [2, ..., 3]"
SOURCE = "the source is the ids of its first max_len tokens, with no <sos> or <eos>"


def test_numericalize_target_has_sos_and_eos(pre, mistakes, a1, vocab, oracle):
    """numericalize: the target is <sos>, the ids of its tokens, <eos>"""
    _target(pre, mistakes, a1, vocab, oracle, TARGET, ["the", "cat"], ["el", "gato"], 10)
    _target(pre, mistakes, a1, vocab, oracle, TARGET, ["a"], ["la", "alfombra", "en"], 6)


def test_numericalize_source_has_no_markers(pre, mistakes, a1, vocab, oracle):
    """numericalize: the source is the ids of its tokens, without <sos> or <eos>"""
    _source(pre, mistakes, a1, vocab, oracle, SOURCE, ["the", "cat", "sat"], ["el", "gato"], 10)
    _source(pre, mistakes, a1, vocab, oracle, SOURCE, ["a", "mat"], ["la"], 5)


def test_numericalize_truncation_keeps_eos(pre, mistakes, a1, vocab, oracle):
    """numericalize: a long target is cut to max_len ids in all and still ends with <eos>"""
    rule = ("the target keeps its first max_len - 2 tokens, between <sos> and <eos>: at most max_len ids, and the "
            "last is always <eos> (cut the tokens before adding the markers)")
    tgt = ["el", "gato", "se", "sentó", "en", "la", "alfombra"]
    for max_len in (5, 3, 2):
        _target(pre, mistakes, a1, vocab, oracle, rule, ["the"], tgt, max_len)


def test_numericalize_truncation_of_source(pre, mistakes, a1, vocab, oracle):
    """numericalize: a long source keeps its first max_len tokens"""
    src = ["the", "cat", "sat", "on", "the", "mat"]
    for max_len in (4, 2):
        _source_order(pre, mistakes, a1, vocab, oracle, "the source keeps the ids of its first max_len tokens", src,
                      ["el"], max_len)


def test_numericalize_unknown_tokens(pre, mistakes, a1, vocab):
    """numericalize: a token missing from its vocabulary gets the id of <unk> (1), on both sides"""
    src, tgt = ["the", "dog", "sat", "zzz"], ["el", "perro", "se", "sentó"]
    _numericalize(pre, mistakes, a1, vocab, "[ids.count(1) for ids in {}]",
                  lambda r: [ids.count(1) for ids in _ids(r)], [2, 1],
                  "every source or target token that is not in its vocabulary gets 1, the id of <unk> "
                  "('dog' and 'zzz' are not in src_vocab, 'perro' is not in tgt_vocab)", src, tgt, 10)


def test_numericalize_reverse_source(pre, mistakes, a1, vocab, oracle):
    """numericalize: reverse_source=True reverses the truncated source ids"""
    rule = ("with reverse_source=True the source keeps its FIRST max_len tokens (truncate first), and their ids "
            "come in reverse order")
    src, tgt = ["the", "cat", "sat", "on", "a", "mat"], ["el", "gato", "se", "sentó"]
    _source_order(pre, mistakes, a1, vocab, oracle, rule, src, tgt, 10, reverse_source=True)
    _source_order(pre, mistakes, a1, vocab, oracle, rule, src, tgt, 4, reverse_source=True)


def test_numericalize_reverse_leaves_target(pre, mistakes, a1, vocab, oracle):
    """numericalize: reverse_source=True leaves the target in its order"""
    rule = "reverse_source reverses only the source: the decoder still produces the target in its normal order"
    src = ["the", "cat", "sat", "on", "a", "mat"]
    _target(pre, mistakes, a1, vocab, oracle, rule, src, ["el", "gato", "se", "sentó"], 10, reverse_source=True)
    _target(pre, mistakes, a1, vocab, oracle, rule, src[:2], ["la", "alfombra", "en"], 5, reverse_source=True)


def test_numericalize_no_reversal_by_default(pre, mistakes, a1, vocab, oracle):
    """numericalize: without reverse_source (or with False) the source keeps its order"""
    src = ["the", "cat", "sat", "on", "a", "mat"]
    _source_order(pre, mistakes, a1, vocab, oracle, "the source is reversed only when reverse_source=True", src, ["el"],
                  10, reverse_source=False)


def test_numericalize_leaves_tokens_unchanged(student, pre, mistakes, vocab):
    """numericalize: the token lists it is given are left as they were"""
    for reverse in (True, False):
        call = Call("numericalize", ["the", "cat", "sat", "down"], ["el", "gato", "se", "sentó"],
                    vocab(SRC_ITOS), vocab(TGT_ITOS), 3, reverse_source=reverse)
        expect_unchanged(student, pre, call, mistakes=mistakes,
                         rule="numericalize builds new id lists; the caller's token lists stay as they were (no "
                              "reverse(), append() or insert() on them)")


RULES = ("source: ids of the first max_len tokens, reversed when reverse_source=True; target: <sos>, the ids of "
         "the first max_len - 2 tokens, <eos>; <unk> (1) for unknown tokens")


def test_numericalize_random(pre, mistakes, rng, cases, a1, vocab, oracle):
    """numericalize: random sentences, vocabularies, max_len and reverse_source"""
    for size in sizes(30, 25):
        words = rng.sample(cases.WORDS, min(len(cases.WORDS), 4 + size))
        src_itos = a1.SPECIALS + rng.sample(words, max(1, len(words) * 2 // 3))
        tgt_itos = a1.SPECIALS + rng.sample(words, max(1, len(words) * 2 // 3))
        src = [rng.choice(words) for _ in range(rng.randint(1, 2 + size))]
        tgt = [rng.choice(words) for _ in range(rng.randint(1, 2 + size))]
        max_len, reverse = rng.randint(2, 4 + size), rng.choice([False, True])
        _numericalize(pre, mistakes, a1, vocab, "{}", _ids,
                      oracle.numericalize(src, tgt, src_itos, tgt_itos, max_len, reverse), RULES, src, tgt, max_len,
                      src_itos=src_itos, tgt_itos=tgt_itos, reverse_source=reverse)


def test_numericalize_real_sample(pre, mistakes, rng, cases, a1, vocab, oracle):
    """numericalize: 100 tokenized verse pairs of the real sample"""
    pairs = [(oracle.tokenize(en), oracle.tokenize(es)) for en, es in rng.sample(cases.sample_pairs(), 100)]
    src_itos = oracle.build_itos([p[0] for p in pairs], min_freq=2)
    tgt_itos = oracle.build_itos([p[1] for p in pairs], min_freq=2)
    src_vocab, tgt_vocab = vocab(src_itos), vocab(tgt_itos)
    max_len, reverse = rng.randint(10, 40), rng.random() < 0.5
    for src, tgt in pairs:
        call = a1.Then("{}", _ids, "numericalize", src, tgt, src_vocab, tgt_vocab, max_len, reverse_source=reverse)
        call.check(pre, oracle.numericalize(src, tgt, src_itos, tgt_itos, max_len, reverse), mistakes=mistakes,
                   rule=RULES)


# ---- decode -----------------------------------------------------------------------------------

def _decode(pre, mistakes, vocab, oracle, ids, rule, itos=TGT_ITOS):
    from autograder.toolkit import expect_equal

    call = Call("decode", ids, vocab(itos))
    got = sequence(call.run(pre), call)
    expect_equal(got, oracle.decode(ids, itos), call, rule=rule, mistakes=mistakes, normalize=list)


def test_decode_strips_sos_and_stops_at_eos(pre, mistakes, vocab, oracle):
    """decode: drop the leading <sos>, stop before the first <eos>"""
    rule = "drop one leading <sos> (2) and stop before the first <eos> (3): what comes after <eos> is not output"
    for ids in ([2, 4, 5, 3, 6, 7, 3], [2, 4, 5, 3], [4, 5, 3, 9], [2, 3, 4]):
        _decode(pre, mistakes, vocab, oracle, ids, rule)


def test_decode_drops_padding(pre, mistakes, vocab, oracle):
    """decode: <pad> ids are left out"""
    for ids in ([4, 5, 0, 0], [2, 4, 0, 5, 3], [2, 4, 5, 3, 0, 0]):
        _decode(pre, mistakes, vocab, oracle, ids, "<pad> (0) is not a word: it is left out")


def test_decode_keeps_unknown(pre, mistakes, vocab, oracle):
    """decode: <unk> stays, as the string '<unk>'"""
    for ids in ([2, 4, 1, 5, 3], [1, 1]):
        _decode(pre, mistakes, vocab, oracle, ids, "the unknown-word marker is kept, as the string '<unk>'")


def test_decode_without_eos(pre, mistakes, vocab, oracle):
    """decode: without <eos>, decode to the end"""
    rule = "a sequence with no <eos> (cut off by a length limit) is decoded to its end"
    for ids in ([2, 4, 5, 6], [4], [], [3]):
        _decode(pre, mistakes, vocab, oracle, ids, rule)


def test_decode_only_one_leading_sos(pre, mistakes, vocab, oracle):
    """decode: only the one leading <sos> is removed; a later <sos> is kept"""
    rule = ("only ONE leading <sos> is dropped; any other <sos> (a model may produce one by mistake) stays as the "
            "string '<sos>', so that the mistake shows")
    for ids in ([2, 4, 2, 5, 3, 6], [2, 2, 4, 3]):
        _decode(pre, mistakes, vocab, oracle, ids, rule)


def test_decode_leaves_ids_unchanged(student, pre, mistakes, vocab):
    """decode: the id list it is given is left as it was"""
    call = Call("decode", [2, 4, 0, 5, 3, 0], vocab(TGT_ITOS))
    expect_unchanged(student, pre, call, mistakes=mistakes,
                     rule="decode only reads the ids; the caller's list stays as it was (no pop() or remove())")


def test_decode_random(pre, mistakes, rng, vocab, oracle):
    """decode: random id sequences, padded, with and without <sos>, with tokens after <eos>"""
    rule = ("drop one leading <sos>, stop before the first <eos>, leave out <pad>, keep everything else (<unk> and "
            "a later <sos> too)")
    for size in sizes(30, 20):
        body = [rng.randrange(1, len(TGT_ITOS)) for _ in range(rng.randint(0, size))]
        ids = ([2] if rng.random() < 0.8 else []) + body
        if rng.random() < 0.7:  # an <eos> with real tokens after it
            ids += [3] + [rng.randrange(4, len(TGT_ITOS)) for _ in range(rng.randint(1, 3))]
        ids += [0] * rng.randint(0, 3)
        _decode(pre, mistakes, vocab, oracle, ids, rule)
