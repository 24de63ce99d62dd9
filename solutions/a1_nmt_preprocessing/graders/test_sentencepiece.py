"""Graders: train_sentencepiece, against sentencepiece trained here with the contract's options.

Pieces and ids are compared, never the model files' bytes (a model file embeds its own
path). The student's model is trained in the student process and written there, under a
prefix relative to its working folder.

BPE training is exact integer counting: any correct student model equals the oracle, id for
id. Unigram training is not bit-stable: its EM sums floats in threads, and a different
``num_threads`` (an option the contract leaves free) moves the scores by ~1e-5, which can
swap the ids of two pieces with nearly equal scores (measured on this sample with 1, 2, 4,
8, 16 and 32 threads: same piece set, same segmentations, other id order). The unigram
test therefore compares the piece set, the scores to 1e-3 and the segmentations, and checks
the ids against the model's own id -> piece table.
"""

SPECIAL_PIECES = ["<pad>", "<unk>", "<sos>", "<eos>"]
# Unigram scores vary by ~1e-5 with num_threads (measured: at most 3e-5 on this sample).
SCORE_TOLERANCE = 1e-3


def _train(pre, util, rng, sentences, vocab_size, model_type=None):
    prefix = f"a1_spm_{rng.randrange(10**9)}"
    kwargs = {} if model_type is None else {"model_type": model_type}
    call = (f"train_sentencepiece(<{len(sentences)} verses of the sample>, {prefix!r}, {vocab_size}"
            + "".join(f", {k}={v!r}" for k, v in kwargs.items()) + ")")
    sp = pre.train_sentencepiece(sentences, prefix, vocab_size, **kwargs)
    try:
        size = sp.get_piece_size()
    except AttributeError:
        raise AssertionError(f"{call} returned {util.shown(sp, 120)}; expected the loaded "
                             f"sentencepiece.SentencePieceProcessor") from None
    return sp, size, prefix, call


def _pieces(sp, size):
    return list(sp.id_to_piece(list(range(size))))


def _vocabulary_reason(got, want, model_type):
    missing = sorted({c for p in want for c in p} - {c for p in got for c in p})
    if missing:
        return (f"characters of the corpus missing from your pieces: {missing[:10]}; train with "
                f"character_coverage=1.0 (sentencepiece's default 0.9995 leaves the rarest characters out)")
    return (f"train with the contract's options: model_type={model_type!r}, character_coverage=1.0, "
            f"pad_id=0, unk_id=1, bos_id=2, eos_id=3 with the pieces '<pad>', '<unk>', '<sos>', '<eos>'")


def _check_against_oracle(pre, util, rng, model_type):
    """BPE must equal the oracle exactly, ids included. A unigram model's scores come out of
    a multi-threaded EM: another num_threads (which the contract leaves free) changes them
    by ~1e-5 and so can swap the ids of pieces with almost equal scores. For unigram the
    piece SET, the scores (to SCORE_TOLERANCE) and the segmentations must agree, and ids
    are checked through the model's own id -> piece table."""
    sentences = util.sample_sentences(rng, 1600)
    train, held_out = sentences[:1500], sentences[1500:]
    vocab_size = rng.randint(300, 600) if model_type == "bpe" else rng.randint(250, 400)
    sp, size, _, call = _train(pre, util, rng, train, vocab_size, model_type if model_type != "bpe" else None)
    oracle, want = util.sentencepiece_oracle(train, vocab_size, model_type)
    assert size == vocab_size, f"{call}: the model has {size} pieces, expected vocab_size={vocab_size}"
    got = _pieces(sp, size)
    if model_type == "bpe" and got != want:
        index = util.first_difference(got, want)
        raise AssertionError(f"{call}: the vocabulary differs from sentencepiece trained with the contract's "
                             f"options at id {index}: yours {util.shown(got[index:index + 5])}, expected "
                             f"{util.shown(want[index:index + 5])}; {_vocabulary_reason(got, want, model_type)}")
    if model_type != "bpe":
        if got[:4] != want[:4] or set(got) != set(want):
            extra, lost = sorted(set(got) - set(want)), sorted(set(want) - set(got))
            raise AssertionError(
                f"{call}: the pieces differ from sentencepiece trained with the contract's options: ids 0..3 are "
                f"{got[:4]} (expected {want[:4]}), pieces only in yours {util.shown(extra[:8])}, only in the "
                f"expected model {util.shown(lost[:8])}; {_vocabulary_reason(got, want, model_type)}")
        scores = dict(zip(got, sp.get_score(list(range(size)))))
        for piece, score in zip(want, oracle.get_score(list(range(size)))):
            assert abs(scores[piece] - score) <= SCORE_TOLERANCE, (
                f"{call}: the piece {piece!r} has the score {scores[piece]:.5f}, expected {score:.5f}; "
                f"{_vocabulary_reason(got, want, model_type)}")
    oracle_score = dict(zip(want, oracle.get_score(list(range(size)))))
    got_pieces = sp.encode_as_pieces(held_out)
    got_ids = sp.encode_as_ids(held_out)
    for sentence, mine, ids, theirs in zip(held_out, got_pieces, got_ids, oracle.encode_as_pieces(held_out)):
        mine, ids = list(mine), list(ids)
        if mine != theirs and not (model_type != "bpe" and all(p in oracle_score for p in mine) and abs(
                sum(oracle_score[p] for p in mine) - sum(oracle_score[p] for p in theirs)) <= SCORE_TOLERANCE):
            raise AssertionError(f"{call}: encoding {sentence!r} gives the pieces {util.shown(mine, 200)}, "
                                 f"expected {util.shown(theirs, 200)}")
        # An unknown character shows as itself in the pieces and as <unk> (id 1) in the ids.
        by_id = [got[i] if 0 <= i < size else None for i in ids]
        consistent = len(by_id) == len(mine) and all(
            a == b or i == 1 for a, b, i in zip(by_id, mine, ids))
        assert consistent, (f"{call}: encode_as_ids({sentence!r}) gives {util.shown(ids, 200)}, which are the "
                            f"pieces {util.shown(by_id, 200)}, not {util.shown(mine, 200)}")
    if model_type == "bpe":
        want_ids = oracle.encode_as_ids(held_out)
        for sentence, ids, theirs in zip(held_out, got_ids, want_ids):
            assert list(ids) == list(theirs), (f"{call}: encoding {sentence!r} gives the ids "
                                               f"{util.shown(ids, 200)}, expected {util.shown(theirs, 200)}")


def test_sentencepiece_special_ids(pre, util, rng):
    """sentencepiece: <pad>=0, <unk>=1, <sos>=2, <eos>=3"""
    sp, size, _, call = _train(pre, util, rng, util.sample_sentences(rng, 600), 200)
    ids = {"pad_id": sp.pad_id(), "unk_id": sp.unk_id(), "bos_id": sp.bos_id(), "eos_id": sp.eos_id()}
    want = {"pad_id": 0, "unk_id": 1, "bos_id": 2, "eos_id": 3}
    assert ids == want, (f"{call}: the model has {ids}, expected {want}; sentencepiece's own defaults are "
                         f"unk=0, bos=1, eos=2 and no pad (-1): pass pad_id=0, unk_id=1, bos_id=2, eos_id=3")
    got = _pieces(sp, min(size, 4))
    assert got == SPECIAL_PIECES, (f"{call}: pieces 0..3 are {got}, expected {SPECIAL_PIECES}; name them with "
                                   f"pad_piece, unk_piece, bos_piece and eos_piece (sentencepiece would call "
                                   f"them <s> and </s>)")


def test_sentencepiece_size_and_files(pre, util, rng, student):
    """sentencepiece: vocab_size pieces, {model_prefix}.model and .vocab written and loadable"""
    sp, size, prefix, call = _train(pre, util, rng, util.sample_sentences(rng, 600), 180)
    assert size == 180, f"{call}: get_piece_size() is {size}, expected vocab_size=180"
    isfile = student.module("os").path.isfile
    for suffix in (".model", ".vocab"):
        assert isfile(prefix + suffix), (f"{call} wrote no file {prefix + suffix!r}: pass "
                                         f"model_prefix=model_prefix to the trainer, which writes "
                                         f"model_prefix + '.model' and '.vocab'")
    loaded = student.module("sentencepiece").SentencePieceProcessor(model_file=prefix + ".model")
    assert _pieces(loaded, loaded.get_piece_size()) == _pieces(sp, size), (
        f"{call}: the processor you returned has other pieces than the model in {prefix + '.model'!r}; "
        f"return the processor loaded from the file you just trained")


def test_sentencepiece_bpe_matches_sentencepiece(pre, util, rng):
    """sentencepiece: BPE pieces and ids equal sentencepiece's with the contract's options"""
    _check_against_oracle(pre, util, rng, "bpe")


def test_sentencepiece_unigram_matches_sentencepiece(pre, util, rng):
    """sentencepiece: unigram pieces and ids equal sentencepiece's with the contract's options"""
    _check_against_oracle(pre, util, rng, "unigram")
