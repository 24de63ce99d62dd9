"""Graders: agreement with sacrebleu on many random corpora and sentences.

Cases use small vocabularies (so n-grams match often), hypotheses that are edited copies of
a reference or random word strings, 1 to 4 references of differing lengths, repeated words
and short sentences. They grow from tiny to larger; the first mismatch is reported.
"""


def _first_corpus_mismatch(bleu, util, cases):
    for hypotheses, references in cases:
        call = util.call("corpus_bleu", hypotheses, references)
        got = util.number(bleu.corpus_bleu(hypotheses, references), call)
        want = util.sacre_corpus(hypotheses, references)
        assert util.close(got, want), (
            f"{call} returned {got:.6f}, sacrebleu gives {want:.6f} (the first disagreeing "
            f"corpus; the random corpora grow from small to large): check clipping, closest "
            f"reference lengths and the sums over the corpus")


def _first_sentence_mismatch(bleu, util, cases):
    for hypothesis, references in cases:
        call = util.call("sentence_bleu", hypothesis, references)
        got = util.number(bleu.sentence_bleu(hypothesis, references), call)
        want = util.sacre_sentence(hypothesis, references)
        assert util.close(got, want), (
            f"{call} returned {got:.6f}, sacrebleu gives {want:.6f} (the first disagreeing "
            f"sentence; the random sentences grow from small to large): check clipping, the "
            f"closest reference length, exp smoothing and the effective order")


def test_sacrebleu_random_corpora(bleu, util, rng):
    """Agreement with sacrebleu: corpus BLEU of random corpora"""
    _first_corpus_mismatch(bleu, util, [util.corpus_case(rng, size) for size in util.sizes(120, 18)])


def test_sacrebleu_random_corpora_many_references(bleu, util, rng):
    """Agreement with sacrebleu: corpus BLEU with three or four references per sentence"""
    cases = []
    for size in util.sizes(80, 18):
        hypotheses, references = util.corpus_case(rng, size)
        for refs in references:
            while len(refs) < 3:
                refs.append(util.edited(rng, refs[0], sorted(set(refs[0]))))
        cases.append((hypotheses, references))
    _first_corpus_mismatch(bleu, util, cases)


def test_sacrebleu_random_sentences(bleu, util, rng):
    """Agreement with sacrebleu: sentence BLEU of random sentences"""
    _first_sentence_mismatch(bleu, util, [util.sentence_case(rng, size) for size in util.sizes(120, 14)])


def test_sacrebleu_short_sentences(bleu, util, rng):
    """Agreement with sacrebleu: sentence BLEU of hypotheses with one to three words"""
    cases = []
    for size in util.sizes(100, 8):
        _, references = util.sentence_case(rng, size)
        words = sorted({word for ref in references for word in ref} | {"z"})
        cases.append((util.sentence(rng, words, 1, 3), references))
    _first_sentence_mismatch(bleu, util, cases)
