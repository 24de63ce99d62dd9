"""Graders: train_sentencepiece, against sentencepiece trained here with the contract's options.

Pieces and ids are compared, never the model files' bytes (a model file embeds its own
path). The student's model is trained in the student process and written there, under a
prefix relative to its working folder; the known mistakes, asked what they would answer,
train here in a temporary folder.

BPE training is exact integer counting: any correct student model equals the oracle, id for
id. Unigram training is not bit-stable: its EM sums floats in threads, and a different
``num_threads`` (an option the contract leaves free) moves the scores by ~1e-5, which can
swap the ids of two pieces with nearly equal scores (measured on this sample with 1, 2, 4,
8, 16 and 32 threads: same piece set, same segmentations, other id order). The unigram
test therefore compares the piece set, the scores to 1e-3 and the segmentations.
"""

import pytest

from autograder.toolkit import expect_equal, expect_numbers_close, fail

# Unigram scores vary by ~1e-5 with num_threads (measured: at most 3e-5 on this sample).
SCORE_TOLERANCE = 1e-3
OPTIONS = ("train with the contract's options: character_coverage=1.0, pad_id=0, unk_id=1, bos_id=2, eos_id=3 with "
           "the pieces '<pad>', '<unk>', '<sos>', '<eos>', and the model_type asked for")


@pytest.fixture(autouse=True)
def _known_mistakes_train_in_a_temporary_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)


def _pieces(sp):
    return list(sp.id_to_piece(list(range(sp.get_piece_size()))))


def _first_difference(got, want):
    """A note naming the first id whose piece differs (long lists are cut when shown)."""
    index = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    return [f"the first difference is at position {index}: {got[index:index + 5]} instead of {want[index:index + 5]}"]


def _train(a1, rng, shown, read, sentences, vocab_size, **kwargs):
    return a1.Then(shown, read, "train_sentencepiece", sentences, f"a1_spm_{rng.randrange(10**9)}", vocab_size,
                   **kwargs)


def _reading(a1, call, shown, read):
    """The same training call, another thing read from the model it returned."""
    return a1.Then(shown, read, call.function, *call.args, **call.kwargs)


def test_sentencepiece_special_ids(pre, mistakes, rng, cases, a1):
    """sentencepiece: the special ids are pad 0, unk 1, bos 2, eos 3"""
    call = _train(a1, rng, "[sp.pad_id(), sp.unk_id(), sp.bos_id(), sp.eos_id()] for sp = {}",
                  lambda sp: [sp.pad_id(), sp.unk_id(), sp.bos_id(), sp.eos_id()], cases.sample_sentences(rng, 300), 150)
    call.check(pre, [0, 1, 2, 3], mistakes=mistakes,
               rule="pass pad_id=0, unk_id=1, bos_id=2, eos_id=3 to the trainer (sentencepiece's own defaults are "
                    "unk 0, bos 1, eos 2 and no pad, -1)")


def test_sentencepiece_special_pieces(pre, mistakes, rng, cases, a1):
    """sentencepiece: pieces 0..3 are <pad> <unk> <sos> <eos>"""
    call = _train(a1, rng, "sp.id_to_piece([0, 1, 2, 3]) for sp = {}", lambda sp: list(sp.id_to_piece([0, 1, 2, 3])),
                  cases.sample_sentences(rng, 300), 150)
    call.check(pre, ["<pad>", "<unk>", "<sos>", "<eos>"], mistakes=mistakes,
               rule="ids 0..3 are the pieces '<pad>', '<unk>', '<sos>', '<eos>': name them with pad_piece, unk_piece, "
                    "bos_piece and eos_piece (sentencepiece would call them <s> and </s>)")


def test_sentencepiece_vocab_size(pre, mistakes, rng, cases, a1):
    """sentencepiece: the model has vocab_size pieces"""
    call = _train(a1, rng, "{}.get_piece_size()", lambda sp: sp.get_piece_size(), cases.sample_sentences(rng, 300), 180)
    call.check(pre, 180, mistakes=mistakes, rule="the trained model has exactly vocab_size pieces")


def test_sentencepiece_files(pre, mistakes, rng, cases, a1, student):
    """sentencepiece: {model_prefix}.model and .vocab are written, and the .model file holds the returned model"""
    call = _train(a1, rng, "{}", _pieces, cases.sample_sentences(rng, 300), 150)
    returned = _pieces(call.result(pre))
    prefix = call.args[1]
    isfile = student.module("os").path.isfile
    missing = [prefix + suffix for suffix in (".model", ".vocab") if not isfile(prefix + suffix)]
    if missing:
        raise fail("the trainer, given model_prefix=model_prefix, writes model_prefix + '.model' and '.vocab'",
                   call, f"no file {missing[0]!r}", f"the files {prefix + '.model'!r} and {prefix + '.vocab'!r}")
    loaded = _pieces(student.module("sentencepiece").SentencePieceProcessor(model_file=prefix + ".model"))
    if loaded != returned:
        raise fail("return the processor loaded from the model file just trained", call,
                   f"a processor whose pieces differ from those of {prefix + '.model'!r}",
                   f"the model of {prefix + '.model'!r}")


def test_sentencepiece_bpe_matches_sentencepiece(pre, mistakes, rng, cases, a1, oracle):
    """sentencepiece: BPE pieces and ids equal sentencepiece's with the contract's options"""
    sentences = cases.sample_sentences(rng, 1600)
    train, held_out = sentences[:1500], sentences[1500:]
    vocab_size = rng.randint(300, 600)
    want = oracle.sentencepiece(train, vocab_size, "bpe")
    call = _train(a1, rng, "the pieces of {}", _pieces, train, vocab_size)
    model = call.result(pre)
    got, expected = _pieces(model), _pieces(want)
    expect_equal(got, expected, call, rule=OPTIONS, mistakes=mistakes, normalize=_pieces,
                 notes=_first_difference(got, expected))

    def encoded(sp):
        return [list(ids) for ids in sp.encode_as_ids(held_out)]

    expect_equal(encoded(model), encoded(want), _reading(a1, call, "{}.encode_as_ids(<100 other verses>)", encoded),
                 mistakes=mistakes, normalize=encoded, rule="the same pieces give the same ids for every sentence")


def test_sentencepiece_unigram_matches_sentencepiece(pre, mistakes, rng, cases, a1, oracle):
    """sentencepiece: unigram pieces, scores and segmentations equal sentencepiece's with the contract's options"""
    sentences = cases.sample_sentences(rng, 500)
    train, held_out = sentences[:400], sentences[400:]
    vocab_size = rng.randint(150, 250)
    want = oracle.sentencepiece(train, vocab_size, "unigram")
    want_pieces = _pieces(want)
    call = _train(a1, rng, "sorted(the pieces of {})", lambda sp: sorted(_pieces(sp)), train, vocab_size,
                  model_type="unigram")
    model = call.result(pre)
    got = sorted(_pieces(model))
    expect_equal(got, sorted(want_pieces), call, rule=OPTIONS, mistakes=mistakes, normalize=call.read,
                 notes=[(f"pieces only in yours: {sorted(set(got) - set(want_pieces))[:10]}; only in the "
                         f"expected model: {sorted(set(want_pieces) - set(got))[:10]}")])

    def scores(sp):
        by_piece = dict(zip(_pieces(sp), sp.get_score(list(range(sp.get_piece_size())))))
        return [by_piece.get(piece, float("nan")) for piece in want_pieces]

    expect_numbers_close(scores(model), scores(want), _reading(a1, call, "the score of every piece in {}", scores),
                         mistakes=mistakes, normalize=scores,
                         abs_tol=SCORE_TOLERANCE, rel_tol=0,
                         rule="the same training gives the same piece scores (up to 1e-3: unigram scores move by "
                              "~1e-5 with num_threads)")
    score_of = dict(zip(want_pieces, scores(want)))

    def segmentations(sp):
        return [list(pieces) for pieces in sp.encode_as_pieces(held_out)]

    def same(got, expected):
        """Equal pieces, or pieces of equal total score (a tie the threads may break either way)."""
        try:
            return len(got) == len(expected) and all(
                a == b or (all(p in score_of for p in a)
                           and abs(sum(score_of[p] for p in a) - sum(score_of[p] for p in b)) <= SCORE_TOLERANCE)
                for a, b in zip(got, expected))
        except TypeError:
            return False

    expect_equal(segmentations(model), segmentations(want),
                 _reading(a1, call, "{}.encode_as_pieces(<100 other verses>)", segmentations), mistakes=mistakes,
                 normalize=segmentations, same=same, rule="the same model splits every sentence into the same pieces")
