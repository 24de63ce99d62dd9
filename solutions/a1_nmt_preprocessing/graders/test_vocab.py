"""Graders: the Vocab class and build_vocab.

Each check reads one thing from the result (``build_vocab(corpus).itos[:4]``, the tokens
kept besides the specials, ...), so that a mistake in one rule does not fail the tests of
the others. build_vocab returns the student's own Vocab; only its ``itos`` is read.
"""

from autograder.toolkit import Call, expect_unchanged, sequence, sizes

ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "the", "cat", "sat"]
SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]


def _itos(vocab):
    return list(vocab.itos)


def _ordinary(vocab):
    return [token for token in vocab.itos if token not in SPECIALS]


def _kept(vocab):
    return sorted(set(vocab.itos) - set(SPECIALS))


def _lookup_tokens(ids):
    return lambda vocab: sequence(vocab.lookup_tokens(ids), f"vocab.lookup_tokens({ids!r})")


def _special_counts(vocab):
    itos = list(vocab.itos)
    return [itos.count(special) for special in SPECIALS]


# ---- Vocab --------------------------------------------------------------------------------

def test_vocab_class_itos_stoi_len(pre, mistakes, a1):
    """Vocab: itos is the token list, stoi maps each token to its id, len counts the tokens"""
    for itos in (ITOS, SPECIALS, SPECIALS + ["b", "a", "c", "a2"]):
        a1.Then("{}.itos", _itos, "Vocab", itos).check(
            pre, itos, mistakes=mistakes, rule="Vocab(itos).itos is the list of tokens it was built from, in order")
        a1.Then("{}.stoi", lambda v: dict(v.stoi), "Vocab", itos).check(
            pre, {token: index for index, token in enumerate(itos)}, mistakes=mistakes,
            rule="stoi maps every token to its position in itos")
        a1.Then("len({})", len, "Vocab", itos).check(pre, len(itos), mistakes=mistakes,
                                                       rule="len(vocab) is the number of tokens")


def test_vocab_class_lookup(pre, mistakes, a1):
    """Vocab: vocab[token] is its id, and 1 (<unk>) for a token that is not in the vocabulary"""
    for token, want in (("cat", 5), ("the", 4), ("<pad>", 0), ("<eos>", 3), ("dog", 1), ("", 1), ("Cat", 1)):
        a1.Then("{}[" + repr(token) + "]", lambda v, t=token: a1.attempt(lambda: v[t]), "Vocab", ITOS).check(
            pre, want, mistakes=mistakes,
            rule="vocab[token] is stoi[token] for a known token and 1, the id of <unk>, for any other")


def test_vocab_class_lookup_tokens(pre, mistakes, a1):
    """Vocab: lookup_tokens(ids) gives the token of every id"""
    for ids in ([5, 4, 1], [0, 6, 6], [3]):
        a1.Then("{}.lookup_tokens(" + repr(ids) + ")", _lookup_tokens(ids), "Vocab", ITOS).check(
            pre, [ITOS[i] for i in ids], mistakes=mistakes, rule="lookup_tokens(ids) is [itos[i] for i in ids]")


def test_vocab_class_unknown_lookup_does_not_grow(pre, mistakes, a1):
    """Vocab: looking up unknown tokens does not add them"""

    def after_lookups(vocab):
        for token in ("dog", "mat", "dog"):
            a1.attempt(lambda t=token: vocab[t])
        return {"len": len(vocab), "itos": list(vocab.itos), "stoi": sorted(vocab.stoi)}

    a1.Then("{} after looking up 'dog', 'mat', 'dog'", after_lookups, "Vocab", ITOS).check(
        pre, {"len": len(ITOS), "itos": ITOS, "stoi": sorted(ITOS)}, mistakes=mistakes,
        rule="a lookup never changes the vocabulary: len, itos and the keys of stoi stay as they were")


def test_vocab_class_random(pre, mistakes, rng, cases, a1):
    """Vocab: random token lists"""
    for size in sizes(15, 40):
        itos = SPECIALS + rng.sample(cases.WORDS, min(len(cases.WORDS), size))
        a1.Then("{}.stoi", lambda v: dict(v.stoi), "Vocab", itos).check(
            pre, {token: index for index, token in enumerate(itos)}, mistakes=mistakes,
            rule="stoi maps every token to its position in itos")
        ids = [rng.randrange(len(itos)) for _ in range(rng.randint(1, 8))]
        a1.Then("{}.lookup_tokens(" + repr(ids) + ")", _lookup_tokens(ids), "Vocab", itos).check(
            pre, [itos[i] for i in ids], mistakes=mistakes, rule="lookup_tokens(ids) is [itos[i] for i in ids]")
        token = rng.choice(itos[4:] + ["zzz"])
        a1.Then("{}[" + repr(token) + "]", lambda v, t=token: a1.attempt(lambda: v[t]), "Vocab", itos).check(
            pre, itos.index(token) if token in itos else 1, mistakes=mistakes,
            rule="vocab[token] is stoi[token] for a known token and 1, the id of <unk>, for any other")


# ---- build_vocab ----------------------------------------------------------------------------

def test_build_vocab_specials_first(pre, mistakes, a1):
    """build_vocab: the specials <pad> <unk> <sos> <eos> take ids 0..3"""
    for corpus, kwargs in (([["b", "a"], ["a"]], {}), ([], {}), ([["hello"]], {"min_freq": 2})):
        a1.Then("{}.itos[:4]", lambda v: list(v.itos)[:4], "build_vocab", corpus, **kwargs).check(
            pre, SPECIALS, mistakes=mistakes, rule="the vocabulary starts with <pad>, <unk>, <sos>, <eos>: ids 0, 1, 2, 3")


def test_build_vocab_min_freq(pre, mistakes, a1, oracle):
    """build_vocab: a token is kept when its count is at least min_freq"""
    corpus = [["a", "b", "c"], ["a", "b"], ["a"]]  # a: 3, b: 2, c: 1
    for min_freq in (2, 1, 3, 4):
        a1.Then("sorted(set({}.itos) - set(SPECIALS))", _kept, "build_vocab", corpus, min_freq=min_freq).check(
            pre, _kept(oracle.Vocab(oracle.build_itos(corpus, min_freq))), mistakes=mistakes,
            rule="every token whose count is at least min_freq (count >= min_freq) is in the vocabulary, and no other")


def test_build_vocab_ordering_and_ties(pre, mistakes, a1, oracle):
    """build_vocab: most frequent first; equal counts in alphabetical order"""
    corpora = [
        [["zebra", "apple", "mango"], ["mango", "zebra", "apple"]],  # all 2: first seen z a m, alphabetical a m z
        [["dog", "cat", "bird"], ["bird", "ant", "cat"], ["eel", "ant", "dog", "eel"], ["bird"]],
        [["y", "x", "x", "w"], ["w", "z", "y", "z"], ["x"]],
    ]
    for corpus in corpora:
        a1.Then("[t for t in {}.itos if t not in SPECIALS]", _ordinary, "build_vocab", corpus).check(
            pre, _ordinary(oracle.Vocab(oracle.build_itos(corpus))), mistakes=mistakes,
            rule="after the specials, tokens come by count, most frequent first, and tokens of equal count in "
                 "alphabetical order (sorted by (-count, token))")


def test_build_vocab_max_size(pre, mistakes, a1, oracle):
    """build_vocab: max_size bounds len(vocab), the 4 specials included"""
    corpus = [["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"], ["a", "b", "c", "d"], ["a", "b", "c"], ["a", "b"],
              ["a"]]  # a: 6, b: 5, c: 4, d: 3, e: 2
    for max_size in (6, 4, 5, 8, 20):
        a1.Then("[t for t in {}.itos if t not in SPECIALS]", _ordinary, "build_vocab", corpus, max_size=max_size).check(
            pre, _ordinary(oracle.Vocab(oracle.build_itos(corpus, max_size=max_size))), mistakes=mistakes,
            rule="at most max_size entries in all, the 4 specials included: the max_size - 4 most frequent tokens")


def test_build_vocab_specials_in_corpus(pre, mistakes, a1, oracle):
    """build_vocab: a special string met in the corpus is not added again, nor counted against max_size"""
    corpus = [["<unk>", "a", "<unk>", "b"], ["<eos>", "<unk>", "a", "b"], ["<pad>", "a", "<sos>"]]  # a: 3, b: 2
    a1.Then("[{}.itos.count(s) for s in SPECIALS]", _special_counts, "build_vocab", corpus).check(
        pre, [1, 1, 1, 1], mistakes=mistakes,
        rule="each special is in the vocabulary once, with its special id, even when the corpus contains it")
    a1.Then("[t for t in {}.itos if t not in SPECIALS]", _ordinary, "build_vocab", corpus, max_size=6).check(
        pre, ["a", "b"], mistakes=mistakes,
        rule="specials met in the corpus take none of the max_size - 4 places left for ordinary tokens")


def test_build_vocab_one_pass_iterable(pre, mistakes, a1, iterator):
    """build_vocab: the corpus may be an iterator, which can be read only once"""
    corpus = [["b", "a", "b", "c"], ["c", "a", "b", "a"], ["b", "c", "b", "c"]]  # b: 5, c: 4, a: 3
    a1.Then("[t for t in {}.itos if t not in SPECIALS]", _ordinary, "build_vocab", iterator(corpus)).check(
        pre, ["b", "c", "a"], mistakes=mistakes,
        rule="corpus may be a generator (lines read from a file), readable only once: count in a single pass")


def test_build_vocab_leaves_corpus_unchanged(student, pre, mistakes):
    """build_vocab: the corpus it is given is left as it was"""
    call = Call("build_vocab", [["b", "a", "<unk>"], ["a"], ["c", "b"]], max_size=5)
    expect_unchanged(student, pre, call, mistakes=mistakes,
                     rule="build_vocab only reads the corpus; the caller's lists stay as they were")


def _random_corpus(rng, cases, size):
    """A corpus in which no group of tied tokens is first seen starting with its
    alphabetically last token: ties broken by first appearance and ties in reverse
    alphabetical order then differ (also when max_size cuts a group), so a wrong answer
    points at one mistake."""
    while True:
        corpus = cases.corpus(rng, size)
        if rng.random() < 0.2:
            corpus[rng.randrange(len(corpus))].append(rng.choice(SPECIALS))
        seen = list(dict.fromkeys(t for sentence in corpus for t in sentence if t not in SPECIALS))
        counts = {t: sum(s.count(t) for s in corpus) for t in seen}
        groups = {}
        for token in seen:
            groups.setdefault(counts[token], []).append(token)
        if all(len(g) < 2 or g[0] != max(g) for g in groups.values()):
            return corpus


def test_build_vocab_random(pre, mistakes, rng, cases, a1, oracle):
    """build_vocab: random corpora with many ties, random min_freq and max_size"""
    for size in sizes(40, 20):
        corpus = _random_corpus(rng, cases, size)
        kwargs = {}
        if rng.random() < 0.6:
            kwargs["min_freq"] = rng.randint(1, 4)
        if rng.random() < 0.5:
            kwargs["max_size"] = rng.randint(4, 4 + len({t for s in corpus for t in s}) + 1)
        a1.Then("{}.itos", _itos, "build_vocab", corpus, **kwargs).check(
            pre, oracle.build_itos(corpus, kwargs.get("min_freq", 1), kwargs.get("max_size")), mistakes=mistakes,
            rule="the specials, then the tokens with count >= min_freq by (count descending, token ascending), at "
                 "most max_size entries in all")


def test_build_vocab_real_sample(pre, mistakes, rng, cases, a1, oracle):
    """build_vocab: 400 tokenized verses of the real sample, English and Spanish, random min_freq"""
    sample = cases.sample_pairs()
    for side in (0, 1):
        corpus = [oracle.tokenize(pair[side]) for pair in rng.sample(sample, 400)]
        min_freq = rng.randint(1, 3)
        a1.Then("{}.itos", _itos, "build_vocab", corpus, min_freq=min_freq).check(
            pre, oracle.build_itos(corpus, min_freq), mistakes=mistakes,
            rule="the specials, then the tokens with count >= min_freq by (count descending, token ascending)")
