"""Graders: the Vocab class and build_vocab."""

from collections import Counter

ITOS = ["<pad>", "<unk>", "<sos>", "<eos>", "the", "cat", "sat"]


# ---- Vocab --------------------------------------------------------------------------------

def _check_vocab_basics(pre, util, itos):
    call = f"Vocab({itos!r})"
    vocab = util.vocab(pre, itos)
    got_itos = vocab.itos
    assert isinstance(got_itos, (list, tuple)) and list(got_itos) == itos, (
        f"{call}.itos is {util.shown(got_itos)}, expected the list it was built from: {itos}")
    want_stoi = {token: index for index, token in enumerate(itos)}
    got_stoi = vocab.stoi
    assert isinstance(got_stoi, dict) and dict(got_stoi) == want_stoi, (
        f"{call}.stoi is {util.shown(got_stoi)}, expected {util.shown(want_stoi)}: stoi maps every token to "
        f"its position in itos")
    size = len(vocab)
    assert size == len(itos), f"len({call}) is {size}, expected {len(itos)}: the number of tokens"
    return vocab, call


def test_vocab_class_itos_stoi_len(pre, util):
    """Vocab: itos is the token list, stoi its inverse, len the number of tokens"""
    _check_vocab_basics(pre, util, ITOS)
    _check_vocab_basics(pre, util, ["<pad>", "<unk>", "<sos>", "<eos>"])


def test_vocab_class_lookup(pre, util):
    """Vocab: vocab[token] gives its id, 1 (<unk>) for an unknown token; lookup_tokens maps ids back"""
    vocab, call = _check_vocab_basics(pre, util, ITOS)
    for token, want in (("cat", 5), ("the", 4), ("<pad>", 0), ("<eos>", 3), ("dog", 1), ("", 1), ("Cat", 1)):
        got = vocab[token]
        assert got == want, (
            f"{call}[{token!r}] returned {util.shown(got)}, expected {want}"
            + (": a token that is not in the vocabulary gets the id of <unk>, 1" if want == 1 else ""))
    for ids, want in (([5, 4, 1], ["cat", "the", "<unk>"]), ([], []), ([0, 6, 6], ["<pad>", "sat", "sat"])):
        got = vocab.lookup_tokens(ids)
        assert isinstance(got, (list, tuple)) and list(got) == want, (
            f"{call}.lookup_tokens({ids}) returned {util.shown(got)}, expected {want}: itos[id] for every id")


def test_vocab_class_unknown_lookup_does_not_grow(pre, util):
    """Vocab: looking up unknown tokens does not add them"""
    vocab, call = _check_vocab_basics(pre, util, ITOS)
    for token in ("dog", "mat", "dog"):
        vocab[token]
    size, stoi, itos = len(vocab), dict(vocab.stoi), list(vocab.itos)
    assert size == len(ITOS) and "dog" not in stoi and itos == ITOS, (
        f"after looking up 'dog', 'mat', 'dog' in {call}, len is {size}, itos {util.shown(itos)} and 'dog' "
        f"{'is' if 'dog' in stoi else 'is not'} in stoi; a lookup must not change the vocabulary (a "
        f"defaultdict inserts every key it is asked for: use stoi.get(token, 1))")


def test_vocab_class_random(pre, util, rng):
    """Vocab: random token lists"""
    for size in util.sizes(15, 40):
        words = rng.sample(util.WORDS, min(len(util.WORDS), size))
        itos = util.SPECIALS + words
        vocab, call = _check_vocab_basics(pre, util, itos)
        ids = [rng.randrange(len(itos)) for _ in range(rng.randint(0, 8))]
        got = vocab.lookup_tokens(ids)
        want = [itos[i] for i in ids]
        assert isinstance(got, (list, tuple)) and list(got) == want, (
            f"{call}.lookup_tokens({ids}) returned {util.shown(got)}, expected {want}")
        token = rng.choice(words + ["zzz"])
        got = vocab[token]
        want = itos.index(token) if token in itos else 1
        assert got == want, f"{call}[{token!r}] returned {util.shown(got)}, expected {want}"


# ---- build_vocab ----------------------------------------------------------------------------

def _hint(got, want, corpus, min_freq, max_size):
    """The most likely reason a built vocabulary differs from the expected one."""
    specials = ["<pad>", "<unk>", "<sos>", "<eos>"]
    counts = Counter(t for sentence in corpus for t in sentence if t not in specials)
    if got[:4] != specials:
        return "the vocabulary must start with the 4 specials in this order: <pad> <unk> <sos> <eos> (ids 0..3)"
    if any(got.count(s) > 1 for s in specials):
        return "a special token met in the corpus must not be added a second time"
    if max_size is not None and len(got) > max_size:
        return f"max_size={max_size} bounds the whole vocabulary, the 4 specials included"
    below = [t for t in got[4:] if counts.get(t, 0) < min_freq]
    if below:
        return (f"'{below[0]}' occurs {counts.get(below[0], 0)} times, fewer than min_freq={min_freq}; only "
                f"tokens with count >= min_freq are kept")
    missing = [t for t in want if t not in got]
    if missing and counts.get(missing[0]) == min_freq:
        return (f"'{missing[0]}' occurs exactly min_freq={min_freq} times and must be kept (count >= "
                f"min_freq, not >)")
    if sorted(got) == sorted(want) or (max_size is not None and len(got) == len(want)):
        first_seen = {}
        for sentence in corpus:
            for token in sentence:
                first_seen.setdefault(token, len(first_seen))
        index = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
        if index is None:
            return "specials first, then tokens with count >= min_freq by (count descending, token ascending)"
        a, b = got[index], want[index]
        if counts.get(a) == counts.get(b):
            how = (" (this looks like ties in order of first appearance, as Counter.most_common gives)"
                   if first_seen.get(a, 0) < first_seen.get(b, 0) else "")
            return (f"at id {index} you have '{a}' and the expected '{b}': both occur {counts.get(a)} times; "
                    f"equal counts are ordered alphabetically{how}")
        return (f"at id {index} you have '{a}' ({counts.get(a, 0)} times) and the expected '{b}' "
                f"({counts.get(b, 0)} times): order by count, most frequent first")
    return "specials first, then tokens with count >= min_freq by (count descending, token ascending)"


def _check_build(pre, util, corpus, hint="", **kwargs):
    call = util.call("build_vocab", corpus, **kwargs)
    got = util.itos_of(pre.build_vocab(corpus, **kwargs), call)
    want = util.build_itos(corpus, kwargs.get("min_freq", 1), kwargs.get("max_size"))
    if got != want:
        reason = _hint(got, want, corpus, kwargs.get("min_freq", 1), kwargs.get("max_size"))
        raise AssertionError(f"{call} built itos {util.shown(got)}, expected {util.shown(want)}: {reason}"
                             + (f" ({hint})" if hint else ""))


def test_build_vocab_specials_first(pre, util):
    """build_vocab: the specials <pad> <unk> <sos> <eos> take ids 0..3"""
    _check_build(pre, util, [["b", "a"], ["a"]])
    _check_build(pre, util, [])
    _check_build(pre, util, [["hello"]], min_freq=2)


def test_build_vocab_min_freq(pre, util):
    """build_vocab: a token is kept when its count is at least min_freq"""
    corpus = [["a", "b", "c"], ["a", "b"], ["a"]]  # a: 3, b: 2, c: 1
    for min_freq in (1, 2, 3, 4):
        _check_build(pre, util, corpus, min_freq=min_freq)


def test_build_vocab_ordering_and_ties(pre, util):
    """build_vocab: most frequent first; equal counts in alphabetical order"""
    _check_build(pre, util, [["zebra", "apple", "mango"], ["mango"]])
    _check_build(pre, util, [["dog", "cat", "bird"], ["bird", "ant", "cat"], ["eel"]])
    _check_build(pre, util, [["y", "x", "x", "w"], ["w", "z"]], min_freq=1)


def test_build_vocab_max_size(pre, util):
    """build_vocab: max_size bounds len(vocab), the 4 specials included"""
    corpus = [["a", "b", "c", "d"], ["a", "b", "c"], ["a", "b"], ["a"]]
    for max_size in (4, 5, 6, 8, 20):
        _check_build(pre, util, corpus, max_size=max_size)
    _check_build(pre, util, [["q", "p", "r", "p"], ["r", "s"]], max_size=6)


def test_build_vocab_specials_in_corpus(pre, util):
    """build_vocab: special strings met in the corpus are not added a second time"""
    corpus = [["<unk>", "a", "<unk>", "b"], ["<eos>", "<unk>", "a"], ["<pad>", "c", "<sos>"]]
    _check_build(pre, util, corpus, "specials keep ids 0..3 and are not counted as ordinary tokens")
    _check_build(pre, util, corpus, max_size=6, hint="specials met in the corpus do not use up the places "
                                                     "left for ordinary tokens")


def test_build_vocab_one_pass_iterable(pre, util, student):
    """build_vocab: the corpus may be any iterable, e.g. an iterator that can be read only once"""
    corpus = [["b", "a", "b"], ["c", "a", "b"]]
    iterator = student.module("builtins").iter(corpus)
    call = f"build_vocab(iter({corpus!r}))"
    got = util.itos_of(pre.build_vocab(iterator), call)
    want = util.build_itos(corpus)
    assert got == want, (f"{call} built itos {got}, expected {want}: corpus can be a generator (e.g. lines "
                         f"read from a file), which can be iterated only ONCE; count in a single pass and "
                         f"do not call len() on it")


def test_build_vocab_random(pre, util, rng):
    """build_vocab: random corpora with many ties, random min_freq and max_size"""
    for size in util.sizes(40, 20):
        corpus = util.corpus(rng, size)
        if rng.random() < 0.2:
            corpus[rng.randrange(len(corpus))].append(rng.choice(util.SPECIALS))
        kwargs = {}
        if rng.random() < 0.6:
            kwargs["min_freq"] = rng.randint(1, 4)
        if rng.random() < 0.5:
            kwargs["max_size"] = rng.randint(4, 4 + len({t for s in corpus for t in s}) + 1)
        _check_build(pre, util, corpus, **kwargs)
