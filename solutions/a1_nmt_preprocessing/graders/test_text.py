"""Graders: normalize, tokenize and filter_pairs.

tokenize is graded with a correct normalize in place of the student's, and filter_pairs
with a correct tokenize (and normalize): a mistake in one is charged to its own concept.
The texts of the tokenize rules are already normalized (lower case, single spaces), so
that each test looks at its own rule.
"""

from autograder.toolkit import (
    Call,
    expect_equal,
    expect_unchanged,
    sequence,
    sizes,
    trusted,
)


def _normalize(pre, mistakes, text, want, rule):
    call = Call("normalize", text)
    got = call.run(pre)
    # 'é' and 'e' + U+0301 look alike: the note shows every character.
    expect_equal(got, want, call, rule=rule, mistakes=mistakes,
                 notes=[f"with escapes: normalize({text!a}) returned {got!a}, expected {want!a}"])


def _tokenize(pre, mistakes, text, want, rule):
    call = Call("tokenize", text)
    with trusted(pre, mistakes, "normalize"):
        got = sequence(call.run(pre), call)
    expect_equal(got, want, call, rule=rule, mistakes=mistakes, normalize=list)


# ---- normalize -------------------------------------------------------------------------

LOWER = "letters are lower-cased with str.lower() and whitespace at both ends is removed"
RUNS = "every run of whitespace (spaces, tabs, newlines, no-break spaces) becomes one space"
NFKC = ("the text goes through unicodedata.normalize('NFKC', ...): compatibility characters take their "
        "plain form and accents are composed")


def test_normalize_lowercase_and_strip(pre, mistakes):
    """normalize: lower case, and no whitespace at either end"""
    _normalize(pre, mistakes, "  Hello World  ", "hello world", LOWER)
    _normalize(pre, mistakes, "ÆBLE ØL", "æble øl", LOWER)
    _normalize(pre, mistakes, "\tIn the Beginning\n", "in the beginning", LOWER)


def test_normalize_collapses_whitespace(pre, mistakes):
    """normalize: every run of whitespace (spaces, tabs, newlines) becomes one space"""
    _normalize(pre, mistakes, "a  b", "a b", RUNS)
    _normalize(pre, mistakes, "a \t\n b", "a b", RUNS)
    _normalize(pre, mistakes, "line one\r\nline two", "line one line two", RUNS)
    _normalize(pre, mistakes, "x\u00a0\u00a0y", "x y", RUNS)


def test_normalize_nfkc(pre, mistakes):
    """normalize: Unicode NFKC folds compatibility characters and composes accents"""
    cases = [
        ("\ufb01ance\u0301", "fianc\u00e9"),  # the ligature fi and a combining accent
        ("\ufb01ne", "fine"),
        ("\uff28\uff45\uff4c\uff4c\uff4f", "hello"),  # full-width letters
        ("x\u00b2 \u2460", "x2 1"),  # superscript two, circled one
        ("cafe\u0301", "caf\u00e9"),
        ("\u2026", "..."),
    ]
    for text, want in cases:
        _normalize(pre, mistakes, text, want, NFKC)


def test_normalize_nfkc_before_lower(pre, mistakes):
    """normalize: NFKC comes before lower(), so letter-like symbols end up lower case"""
    rule = ("NFKC first, then lower(): a letter-like symbol such as \u210c (U+210C) becomes 'H' under NFKC, "
            "and then 'h'")
    _normalize(pre, mistakes, "\u210cello \u2102afe\u0301", "hello caf\u00e9", rule)


def test_normalize_random(pre, mistakes, rng, cases, oracle):
    """normalize: verses of the real sample with extra whitespace and compatibility characters"""
    oddities = [" ", "  ", "\t", "\n", "\u00a0", "\u3000", " \r\n "]
    odd_words = ["\ufb01rst", "cafe\u0301", "\u210cosanna", "\uff21men"]  # fi, e + accent, H, full-width A
    for size in sizes(30, 30):
        words = rng.choice(cases.sample_pairs())[rng.randint(0, 1)].split()[:size]
        words = [word.upper() if rng.random() < 0.2 else word for word in words]
        for odd in odd_words:  # every text has each kind of compatibility character
            words.insert(rng.randint(0, len(words)), odd)
        text = rng.choice(oddities) + "  ".join(word + rng.choice(oddities) for word in words)
        _normalize(pre, mistakes, text, oracle.normalize(text),
                   "NFKC, then lower(), then strip and turn every whitespace run into one space")


# ---- tokenize ----------------------------------------------------------------------------

PUNCT = ("every character whose Unicode category starts with 'P' (unicodedata.category) is a token of its "
         "own, even inside a word; the other tokens are the whitespace-separated pieces")
SYMBOLS = ("only Unicode categories P* are split off: symbols such as $ (Sc), + = (Sm) and ^ (Sk) stay "
           "inside their word, while ¿ ¡ « » are punctuation (string.punctuation gets both wrong)")


def test_tokenize_splits_punctuation(pre, mistakes):
    """tokenize: every punctuation character is a token of its own"""
    _tokenize(pre, mistakes, "hello, world!", ["hello", ",", "world", "!"], PUNCT)
    _tokenize(pre, mistakes, "don't stop", ["don", "'", "t", "stop"], PUNCT)
    _tokenize(pre, mistakes, "(well-known)...", ["(", "well", "-", "known", ")", ".", ".", "."], PUNCT)
    _tokenize(pre, mistakes, "¿qué hora es?", ["¿", "qué", "hora", "es", "?"], PUNCT)
    _tokenize(pre, mistakes, "«sí», dijo.", ["«", "sí", "»", ",", "dijo", "."], PUNCT)


def test_tokenize_symbols_are_not_punctuation(pre, mistakes):
    """tokenize: symbols ($ + = ^) stay in their word; ¿ ¡ « » are punctuation"""
    _tokenize(pre, mistakes, "«2+2=4»", ["«", "2+2=4", "»"], SYMBOLS)
    _tokenize(pre, mistakes, "$5 a+b=c x^2", ["$5", "a+b=c", "x^2"], SYMBOLS)
    _tokenize(pre, mistakes, "¡ay!", ["¡", "ay", "!"], SYMBOLS)
    _tokenize(pre, mistakes, "100% #1", ["100", "%", "#", "1"], SYMBOLS)


def test_tokenize_normalizes_first(pre, mistakes):
    """tokenize: the text is normalized first (case, whitespace, NFKC)"""
    rule = "tokenize(text) splits normalize(text): lower case, single spaces, NFKC"
    _tokenize(pre, mistakes, "  THE\tEnd  ", ["the", "end"], rule)
    _tokenize(pre, mistakes, "\ufb01nal \uff24ay", ["final", "day"], rule)


def test_tokenize_empty(pre, mistakes):
    """tokenize: an empty or blank text has no tokens (not even an empty string)"""
    rule = "no text, no tokens: the result is [] (no empty-string token)"
    _tokenize(pre, mistakes, "", [], rule)
    _tokenize(pre, mistakes, " \t\n ", [], rule)


def test_tokenize_real_sample(pre, mistakes, rng, cases, oracle):
    """tokenize: 300 verses of the real sample, English and Spanish"""
    pairs = rng.sample(cases.sample_pairs(), 150)
    for text in sorted((side for pair in pairs for side in pair), key=len):
        _tokenize(pre, mistakes, text, oracle.tokenize(text),
                  "normalize, then split on whitespace and split off every character of a Unicode P* category")


# ---- filter_pairs ------------------------------------------------------------------------

def _filter(pre, mistakes, pairs, max_len, want, rule, *max_ratio):
    call = Call("filter_pairs", pairs, max_len, *max_ratio)
    with trusted(pre, mistakes, "tokenize", "normalize"):
        got = sequence(call.run(pre), call)
    read = lambda value: [tuple(p) if isinstance(p, (list, tuple)) else p for p in value]
    expect_equal(read(got), want, call, rule=rule, mistakes=mistakes, normalize=read)


BOUNDS = "a pair is kept only if both sides have between 1 and max_len tokens, both bounds included"


def test_filter_length_bounds(pre, mistakes):
    """filter_pairs: both sides need between 1 and max_len tokens (both bounds included)"""
    pairs = [("a b c", "x y z"), ("a b c d", "x y"), ("a b", "w x y z"), ("a", "x")]
    _filter(pre, mistakes, pairs, 3, [("a b c", "x y z"), ("a", "x")], BOUNDS)
    pairs = [("", "nada"), ("yes", "sí"), ("nothing", "   ")]
    _filter(pre, mistakes, pairs, 2, [("yes", "sí")], BOUNDS + ": an empty side has 0 tokens")


def test_filter_counts_tokens(pre, mistakes):
    """filter_pairs: lengths are counted in tokens of tokenize, punctuation included"""
    rule = "the length of a side is len(tokenize(side)): every punctuation character counts as a token"
    pairs = [("Yes.", "Sí."), ("Well, well, well.", "Bien"), ("¡Hola, amigo!", "Hi, friend!")]
    _filter(pre, mistakes, pairs, 3, [("Yes.", "Sí.")], rule)


def test_filter_length_ratio(pre, mistakes):
    """filter_pairs: the longer side has at most max_ratio times the tokens of the shorter"""
    one, nine, ten = "a", " ".join("abcdefghi"), " ".join("abcdefghij")
    rule = ("a pair is removed when max(len_src, len_tgt) / min(len_src, len_tgt) > max_ratio, whichever side is "
            "longer; a ratio equal to max_ratio is kept")
    _filter(pre, mistakes, [(one, nine), (nine, one), (one, ten), (ten, one)], 20, [(one, nine), (nine, one)], rule)
    pairs = [("a b", "x y z"), ("a b", "w x y z"), ("w x y z", "a b"), ("a b c", "x y")]
    _filter(pre, mistakes, pairs, 10, [("a b", "x y z"), ("a b c", "x y")], rule, 1.5)


def test_filter_keeps_original_pairs_in_order(pre, mistakes):
    """filter_pairs: the kept pairs are the original strings, in their input order"""
    pairs = [("Zeta  Alpha!", "Zeta alfa."), ("B", "b"), ("A long one here", "x"), ("  C c  ", "¿C?")]
    _filter(pre, mistakes, pairs, 5, [("Zeta  Alpha!", "Zeta alfa."), ("B", "b"), ("  C c  ", "¿C?")],
            "the pairs come back as they were given (not normalized or tokenized), in their input order",
            3.0)


def test_filter_leaves_pairs_unchanged(student, pre, mistakes):
    """filter_pairs: the list of pairs it is given is left as it was"""
    call = Call("filter_pairs", [("a b", "c"), ("", "d"), ("e", "f g"), ("h", "i")], 1)
    with trusted(pre, mistakes, "tokenize", "normalize"):
        expect_unchanged(student, pre, call, mistakes=mistakes,
                         rule="filter_pairs builds a new list of the kept pairs; the caller's list stays as it was")


def test_filter_real_sample(pre, mistakes, rng, cases, oracle):
    """filter_pairs: slices of the real sample with random limits"""
    sample = cases.sample_pairs()
    for size in sizes(5, 400)[1:]:
        start = rng.randrange(len(sample) - size)
        pairs = sample[start:start + size]
        max_len, max_ratio = rng.randint(5, 60), rng.choice([1.2, 1.5, 2.0, 3.0, 9.0])
        _filter(pre, mistakes, pairs, max_len, oracle.filter_pairs(pairs, max_len, max_ratio),
                "keep, in order, the pairs whose sides both have 1..max_len tokens and whose length ratio is at "
                "most max_ratio", max_ratio)
