"""Graders: numericalize and decode."""

SRC_ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "the", "cat", "sat", "on", "mat", "a"]
TGT_ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "el", "gato", "se", "sentó", "en", "la", "alfombra"]


def _numericalize(pre, util, src, tgt, max_len, reverse_source=None, src_itos=SRC_ITOS, tgt_itos=TGT_ITOS):
    """(got_src, got_tgt, want_src, want_tgt, call) for one numericalize call."""
    kwargs = {} if reverse_source is None else {"reverse_source": reverse_source}
    call = (util.call("numericalize", src, tgt, "SRC", "TGT", max_len, **kwargs).replace("'SRC'", "src_vocab")
            .replace("'TGT'", "tgt_vocab") + f" with src_vocab = Vocab({util.shown(src_itos, 200)}), "
            f"tgt_vocab = Vocab({util.shown(tgt_itos, 200)})")
    result = pre.numericalize(src, tgt, util.vocab(pre, src_itos), util.vocab(pre, tgt_itos), max_len, **kwargs)
    got_src, got_tgt = util.sequence(result, 2, call, "id lists (source ids, target ids)")
    got_src, got_tgt = util.int_list(got_src, call), util.int_list(got_tgt, call)
    want_src, want_tgt = util.numericalize(src, tgt, src_itos, tgt_itos, max_len, bool(reverse_source))
    return got_src, got_tgt, want_src, want_tgt, call


def _check_numericalize(pre, util, src, tgt, max_len, reverse_source=None, what="both", hint="",
                        src_itos=SRC_ITOS, tgt_itos=TGT_ITOS):
    got_src, got_tgt, want_src, want_tgt, call = _numericalize(pre, util, src, tgt, max_len, reverse_source,
                                                               src_itos, tgt_itos)
    extra = f" ({hint})" if hint else ""
    if what in ("both", "source") and got_src != want_src:
        raise AssertionError(f"{call} returned the source ids {got_src}, expected {want_src}: "
                             f"{util.source_hint(got_src, want_src, src, src_itos, max_len, reverse_source)}{extra}")
    if what in ("both", "target") and got_tgt != want_tgt:
        raise AssertionError(f"{call} returned the target ids {got_tgt}, expected {want_tgt}: "
                             f"{util.target_hint(got_tgt, want_tgt, tgt, tgt_itos, max_len)}{extra}")


# ---- numericalize ---------------------------------------------------------------------------

def test_numericalize_target_has_sos_and_eos(pre, util):
    """numericalize: the target is <sos> + token ids + <eos>"""
    _check_numericalize(pre, util, ["the", "cat"], ["el", "gato"], 10, what="target")
    _check_numericalize(pre, util, ["a"], ["la", "alfombra", "en"], 6, what="target")


def test_numericalize_source_has_no_markers(pre, util):
    """numericalize: the source ids have no <sos> or <eos>"""
    _check_numericalize(pre, util, ["the", "cat", "sat"], ["el", "gato"], 10, what="source")
    _check_numericalize(pre, util, ["a", "mat"], ["la"], 5, what="source")


def test_numericalize_truncation_keeps_eos(pre, util):
    """numericalize: a long target is cut to max_len ids and still ends with <eos>"""
    tgt = ["el", "gato", "se", "sentó", "en", "la", "alfombra"]
    for max_len in (5, 3, 2):
        _check_numericalize(pre, util, ["the"], tgt, max_len, what="target")


def test_numericalize_truncation_of_source(pre, util):
    """numericalize: a long source keeps its first max_len tokens"""
    src = ["the", "cat", "sat", "on", "the", "mat"]
    for max_len in (4, 2):
        _check_numericalize(pre, util, src, ["el"], max_len, what="source")


def test_numericalize_unknown_tokens(pre, util):
    """numericalize: unknown tokens become <unk> (1) on both sides"""
    _check_numericalize(pre, util, ["the", "dog", "sat"], ["el", "perro", "se", "sentó"], 10,
                        hint="'dog' and 'perro' are not in the vocabularies")


def test_numericalize_reverse_source(pre, util):
    """numericalize: reverse_source=True reverses the truncated source, and only the source"""
    src = ["the", "cat", "sat", "on", "a", "mat"]
    tgt = ["el", "gato", "se", "sentó"]
    _check_numericalize(pre, util, src, tgt, 10, reverse_source=True, what="source")
    _check_numericalize(pre, util, src, tgt, 4, reverse_source=True, what="source",
                        hint="truncate first, then reverse")
    _check_numericalize(pre, util, src, tgt, 10, reverse_source=True, what="target")
    _check_numericalize(pre, util, src, tgt, 4, reverse_source=False, what="source")


def test_numericalize_random(pre, util, rng):
    """numericalize: random sentences, vocabularies, max_len and reverse_source"""
    for size in util.sizes(40, 25):
        words = rng.sample(util.WORDS, min(len(util.WORDS), 4 + size))
        src_itos = util.SPECIALS + rng.sample(words, max(1, len(words) * 2 // 3))
        tgt_itos = util.SPECIALS + rng.sample(words, max(1, len(words) * 2 // 3))
        src = [rng.choice(words) for _ in range(rng.randint(0, 2 + size))]
        tgt = [rng.choice(words) for _ in range(rng.randint(0, 2 + size))]
        max_len = rng.randint(2, 4 + size)
        reverse = rng.choice([None, False, True])
        _check_numericalize(pre, util, src, tgt, max_len, reverse, src_itos=src_itos, tgt_itos=tgt_itos)


# ---- decode -----------------------------------------------------------------------------------

def _check_decode(pre, util, ids, hint, itos=TGT_ITOS):
    call = f"decode({ids}, Vocab({util.shown(itos, 200)}))"
    got = util.str_list(pre.decode(ids, util.vocab(pre, itos)), call)
    want = util.decode(ids, itos)
    assert got == want, f"{call} returned {got}, expected {want}: {hint}"


def test_decode_strips_sos_and_stops_at_eos(pre, util):
    """decode: drop the leading <sos>, stop before the first <eos>"""
    hint = "drop one leading <sos> (2) and stop before the first <eos> (3): what follows <eos> is not output"
    _check_decode(pre, util, [2, 4, 5, 3], hint)
    _check_decode(pre, util, [2, 4, 5, 3, 6, 7, 3], hint)
    _check_decode(pre, util, [4, 5, 3, 9], hint)
    _check_decode(pre, util, [2, 3, 4], hint)


def test_decode_drops_padding(pre, util):
    """decode: <pad> ids are dropped"""
    hint = "<pad> (0) is not a word: leave it out"
    _check_decode(pre, util, [2, 4, 5, 3, 0, 0], hint)
    _check_decode(pre, util, [4, 5, 0, 0], hint)
    _check_decode(pre, util, [2, 4, 0, 5, 3], hint)


def test_decode_keeps_unknown(pre, util):
    """decode: <unk> stays as the string '<unk>'"""
    _check_decode(pre, util, [2, 4, 1, 5, 3], "the unknown-word marker is kept, as the string '<unk>'")


def test_decode_without_eos(pre, util):
    """decode: without <eos>, decode to the end"""
    hint = "a sequence cut off before <eos> (e.g. by a length limit) is decoded to its end"
    _check_decode(pre, util, [2, 4, 5, 6], hint)
    _check_decode(pre, util, [4], hint)
    _check_decode(pre, util, [], hint + "; no ids, no tokens")
    _check_decode(pre, util, [3], hint + "; <eos> first: no tokens")


def test_decode_only_one_leading_sos(pre, util):
    """decode: only the one leading <sos> is removed; a later <sos> is kept"""
    hint = ("the contract drops ONE leading <sos>; any other <sos> (a model may emit one by mistake) stays "
            "as the string '<sos>', so that the mistake shows")
    _check_decode(pre, util, [2, 4, 2, 5, 3], hint)
    _check_decode(pre, util, [2, 2, 4, 3], hint)


def test_decode_random(pre, util, rng):
    """decode: random id sequences, padded, with and without <sos>/<eos>"""
    for size in util.sizes(40, 20):
        body = [rng.randrange(1, len(TGT_ITOS)) for _ in range(rng.randint(0, size))]
        ids = ([2] if rng.random() < 0.8 else []) + body
        if rng.random() < 0.7:
            ids.insert(rng.randint(0, len(ids)), 3)
        ids += [0] * rng.randint(0, 3)
        _check_decode(pre, util, ids, "drop one leading <sos>, stop before the first <eos>, drop <pad>, keep "
                                      "everything else (also <unk> and a later <sos>)")


def test_decode_inverts_numericalize(pre, util, rng):
    """decode: decode(target ids) gives back the (truncated) target tokens"""
    for size in util.sizes(15, 15):
        tgt = [rng.choice(TGT_ITOS[4:]) for _ in range(rng.randint(1, size + 1))]
        max_len = rng.randint(2, size + 3)
        _, ids = util.numericalize([], tgt, SRC_ITOS, TGT_ITOS, max_len)
        _check_decode(pre, util, ids, f"numericalize made these ids from {tgt} with max_len={max_len}; decode "
                                      f"must give back the first max_len - 2 tokens")
