"""Public tests for A1 (preprocessing for NMT): small fixed examples you can work out by hand.

The tests run when you submit check the same ideas on many more inputs, random ones
included, and on the real English/Spanish sample of the course.
"""

import pytest
import torch

SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]


@pytest.fixture
def model_prefix(request, tmp_path):
    """Where train_sentencepiece writes its files: a temporary folder when you run plain
    pytest, your submission's own folder under the autograder."""
    try:
        request.getfixturevalue("student")
    except pytest.FixtureLookupError:
        return str(tmp_path / "a1_public")
    return "a1_public"


def test_normalize(pre):
    """normalize: NFKC, lower case, strip, one space between words"""
    cases = [("  The  \ufb01rst\tDay\n", "the first day"), ("cafe\u0301", "caf\u00e9"), ("A\u00a0B", "a b")]
    for text, want in cases:
        got = pre.normalize(text)
        assert got == want, f"normalize({text!r}) returned {got!r}, expected {want!r}"


def test_tokenize(pre):
    """tokenize: punctuation characters are tokens of their own, symbols are not"""
    cases = [("¿Dónde está, Juan?", ["¿", "dónde", "está", ",", "juan", "?"]),
             ("don't pay $5", ["don", "'", "t", "pay", "$5"]),
             ("", [])]
    for text, want in cases:
        got = list(pre.tokenize(text))
        assert got == want, f"tokenize({text!r}) returned {got}, expected {want}"


def test_filter_pairs(pre):
    """filter_pairs: 1..max_len tokens on both sides, length ratio at most max_ratio"""
    pairs = [("Hi!", "¡Hola!"), ("", "nada"), ("a b c d", "x"), ("a b", "x")]
    got = [tuple(p) for p in pre.filter_pairs(pairs, 3, 2.0)]
    want = [("Hi!", "¡Hola!"), ("a b", "x")]
    assert got == want, f"filter_pairs({pairs}, 3, 2.0) returned {got}, expected {want}"


def test_vocab(pre):
    """Vocab: ids of known and unknown tokens, and back"""
    itos = SPECIALS + ["the", "cat"]
    vocab = pre.Vocab(itos)
    assert len(vocab) == 6, f"len(Vocab({itos})) is {len(vocab)}, expected 6"
    assert dict(vocab.stoi) == {t: i for i, t in enumerate(itos)}, f"Vocab({itos}).stoi is {vocab.stoi}"
    got = (vocab["cat"], vocab["dog"])
    assert got == (5, 1), f"vocab['cat'], vocab['dog'] gave {got}, expected (5, 1): unknown tokens get 1"
    got = list(vocab.lookup_tokens([4, 5, 1]))
    assert got == ["the", "cat", "<unk>"], f"lookup_tokens([4, 5, 1]) returned {got}"


def test_build_vocab(pre):
    """build_vocab: specials first, then by count, ties alphabetically; min_freq; max_size"""
    corpus = [["b", "a", "c"], ["a", "c"], ["d"]]
    for kwargs, want in (({}, SPECIALS + ["a", "c", "b", "d"]), ({"min_freq": 2}, SPECIALS + ["a", "c"]),
                         ({"max_size": 5}, SPECIALS + ["a"])):
        got = list(pre.build_vocab(corpus, **kwargs).itos)
        assert got == want, f"build_vocab({corpus}, {kwargs}).itos is {got}, expected {want}"


def test_numericalize(pre):
    """numericalize: <sos>/<eos> around the target only, truncation keeps <eos>, reversal"""
    src_vocab = pre.Vocab(SPECIALS + ["the", "cat"])
    tgt_vocab = pre.Vocab(SPECIALS + ["el", "gato"])
    got = tuple(map(list, pre.numericalize(["the", "cat", "sat"], ["el", "gato", "negro"], src_vocab, tgt_vocab, 4)))
    assert got == ([4, 5, 1], [2, 4, 5, 3]), (
        f"numericalize(['the', 'cat', 'sat'], ['el', 'gato', 'negro'], ..., max_len=4) returned {got}, "
        f"expected ([4, 5, 1], [2, 4, 5, 3]): <sos> + the first max_len - 2 target ids + <eos>")
    got = tuple(map(list, pre.numericalize(["the", "cat", "sat"], ["el", "gato"], src_vocab, tgt_vocab, 2,
                                           reverse_source=True)))
    assert got == ([5, 4], [2, 3]), (f"numericalize(..., max_len=2, reverse_source=True) returned {got}, "
                                     f"expected ([5, 4], [2, 3]): truncate, then reverse")


def test_decode(pre):
    """decode: drop <sos> and <pad>, stop at <eos>, keep <unk>"""
    vocab = pre.Vocab(SPECIALS + ["el", "gato"])
    got = list(pre.decode([2, 4, 1, 5, 3, 4, 0], vocab))
    assert got == ["el", "<unk>", "gato"], f"decode([2, 4, 1, 5, 3, 4, 0], vocab) returned {got}"


def test_collate(pre):
    """collate: sorted longest source first, right-padded, true lengths, LongTensors"""
    samples = [([4, 5], [2, 6, 3]), ([7, 8, 9], [2, 3]), ([6, 6], [2, 3])]
    src, lengths, tgt = pre.collate(samples)
    for name, tensor in (("src", src), ("src_lengths", lengths), ("tgt", tgt)):
        assert tensor.dtype == torch.long, f"collate: {name} has dtype {tensor.dtype}, expected torch.long"
    want = ([[7, 8, 9], [4, 5, 0], [6, 6, 0]], [3, 2, 2], [[2, 3, 0], [2, 6, 3], [2, 3, 0]])
    got = (src.tolist(), lengths.tolist(), tgt.tolist())
    assert got == want, f"collate({samples}) returned {got}, expected {want}"


def test_bucketed_batch_indices(pre):
    """bucketed_batch_indices: a partition into small batches of similar lengths"""
    lengths = [(5, 6), (1, 2), (5, 5), (9, 9), (1, 1), (6, 5), (2, 1)]
    batches = [list(b) for b in pre.bucketed_batch_indices(lengths, 2, 1)]
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths))), f"{batches}: every index must be in exactly one batch"
    for batch in batches:
        assert 1 <= len(batch) <= 2, f"{batches}: batch {batch} is empty or larger than batch_size=2"
        for side in (0, 1):
            values = [lengths[i][side] for i in batch]
            assert max(values) - min(values) <= 1, f"{batches}: batch {batch} has lengths {[lengths[i] for i in batch]}"


def test_train_sentencepiece(pre, model_prefix):
    """train_sentencepiece: the course's special ids and pieces"""
    sentences = ["In the beginning God created the heaven and the earth.",
                 "And the earth was without form, and void.",
                 "En el principio creó Dios los cielos y la tierra.",
                 "Y la tierra estaba desordenada y vacía."] * 5
    sp = pre.train_sentencepiece(sentences, model_prefix, 60)
    ids = (sp.pad_id(), sp.unk_id(), sp.bos_id(), sp.eos_id())
    assert ids == (0, 1, 2, 3), f"pad, unk, bos, eos ids are {ids}, expected (0, 1, 2, 3)"
    pieces = [sp.id_to_piece(i) for i in range(4)]
    assert pieces == SPECIALS, f"pieces 0..3 are {pieces}, expected {SPECIALS}"
    assert sp.get_piece_size() == 60, f"the model has {sp.get_piece_size()} pieces, expected vocab_size=60"


def test_teacher_forcing_pair(pre):
    """teacher_forcing_pair: the decoder reads tgt[:, :-1] and predicts tgt[:, 1:]"""
    tgt = torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]])
    decoder_input, decoder_target = pre.teacher_forcing_pair(tgt)
    assert decoder_input.tolist() == [[2, 5, 6], [2, 7, 3]], f"decoder input is {decoder_input.tolist()}"
    assert decoder_target.tolist() == [[5, 6, 3], [7, 3, 0]], f"decoder target is {decoder_target.tolist()}"


def test_value_errors(pre):
    """Argument validation: the three bad arguments raise ValueError"""
    vocab = pre.Vocab(SPECIALS + ["a"])
    calls = [("numericalize(['a'], ['a'], vocab, vocab, 1)", lambda: pre.numericalize(["a"], ["a"], vocab, vocab, 1)),
             ("build_vocab([['a']], max_size=3)", lambda: pre.build_vocab([["a"]], max_size=3)),
             ("collate([])", lambda: pre.collate([]))]
    for text, call in calls:
        try:
            result = call()
        except ValueError:
            continue
        raise AssertionError(f"{text} returned {result!r}; it should raise ValueError")
