"""Graders: normalize, tokenize and filter_pairs."""


def _check_normalize(pre, util, text, hint, want=None):
    call = util.call("normalize", text)
    got = pre.normalize(text)
    if want is None:
        want = util.normalize(text)
    assert isinstance(got, str), f"{call} returned {util.shown(got)}; expected a string"
    assert got == want, f"{call} returned {got!r}, expected {want!r}: {hint}"


def _check_tokenize(pre, util, text, hint, want=None):
    call = util.call("tokenize", text)
    got = util.str_list(pre.tokenize(text), call)
    if want is None:
        want = util.tokenize(text)
    assert got == want, f"{call} returned {got}, expected {want}: {hint}"


# ---- normalize -------------------------------------------------------------------------

def test_normalize_lowercase_and_strip(pre, util):
    """normalize: lower case, no leading or trailing whitespace"""
    hint = "normalize lower-cases with str.lower() and strips whitespace at both ends"
    _check_normalize(pre, util, "  Hello World  ", hint, "hello world")
    _check_normalize(pre, util, "ÁRBOL Y NIÑO", hint, "árbol y niño")
    _check_normalize(pre, util, "\tIn the Beginning\n", hint, "in the beginning")


def test_normalize_collapses_whitespace(pre, util):
    """normalize: every run of whitespace (spaces, tabs, newlines) becomes one space"""
    hint = "every run of whitespace characters, whatever they are, becomes a single space"
    _check_normalize(pre, util, "a  b", hint, "a b")
    _check_normalize(pre, util, "a \t\n b", hint, "a b")
    _check_normalize(pre, util, "line one\r\nline two", hint, "line one line two")
    _check_normalize(pre, util, "x\u00a0\u00a0y", hint + " (NFKC turns the no-break space U+00A0 into a space)", "x y")


def test_normalize_nfkc(pre, util):
    """normalize: Unicode NFKC folds compatibility characters and composes accents"""
    cases = [
        ("\ufb01ne", "fine", "the ligature U+FB01 is two letters 'fi' under NFKC"),
        ("\uff28\uff45\uff4c\uff4c\uff4f", "hello", "full-width letters become ordinary letters under NFKC"),
        ("x\u00b2 \u2460", "x2 1", "superscript two and the circled digit one become '2' and '1' under NFKC"),
        ("cafe\u0301", "caf\u00e9", "'e' + combining acute accent (U+0301) is composed into one character "
                                     "'\u00e9' (U+00E9) by NFKC; NFKD would leave them apart"),
        ("\u2026", "...", "the ellipsis character U+2026 is three full stops under NFKC"),
    ]
    for text, want, why in cases:
        _check_normalize(pre, util, text, f"use unicodedata.normalize('NFKC', text): {why}", want)


def test_normalize_random(pre, util, rng):
    """normalize: sentences of the real sample with extra whitespace and compatibility characters"""
    oddities = [" ", "  ", "\t", "\n", "\u00a0", "\u3000", " \r\n "]
    for size in util.sizes(40, 30):
        words = rng.choice(util.sample_pairs())[rng.randint(0, 1)].split()[:size]
        text = ""
        for word in words:
            if rng.random() < 0.2:
                word = word.upper()
            if rng.random() < 0.1:
                word = word.replace("fi", "\ufb01")
            text += word + rng.choice(oddities)
        if rng.random() < 0.5:
            text = rng.choice(oddities) + text
        _check_normalize(pre, util, text, "NFKC, then lower(), then strip and collapse every whitespace run "
                                          "into one space")


# ---- tokenize ----------------------------------------------------------------------------

def test_tokenize_splits_punctuation(pre, util):
    """tokenize: every punctuation character is a token of its own"""
    hint = "every character whose Unicode category starts with 'P' is a separate token, even inside a word"
    _check_tokenize(pre, util, "Hello, world!", hint, ["hello", ",", "world", "!"])
    _check_tokenize(pre, util, "¿Qué hora es?", hint, ["¿", "qué", "hora", "es", "?"])
    _check_tokenize(pre, util, "don't stop", hint, ["don", "'", "t", "stop"])
    _check_tokenize(pre, util, "(well-known)...", hint, ["(", "well", "-", "known", ")", ".", ".", "."])
    _check_tokenize(pre, util, "«Sí», dijo.", hint, ["«", "sí", "»", ",", "dijo", "."])


def test_tokenize_symbols_are_not_punctuation(pre, util):
    """tokenize: symbols ($ + = ^) are not punctuation; ¿ ¡ « » are"""
    hint = ("only Unicode categories P* (unicodedata.category(c).startswith('P')) are split off; '$' (Sc), "
            "'+' '=' (Sm) and '^' (Sk) are symbols and stay inside their word, while Spanish '¿' '¡' "
            "and '«' '»' are punctuation (string.punctuation gets both wrong)")
    _check_tokenize(pre, util, "$5 a+b=c x^2", hint, ["$5", "a+b=c", "x^2"])
    _check_tokenize(pre, util, "¡Ay!", hint, ["¡", "ay", "!"])
    _check_tokenize(pre, util, "100% #1", hint, ["100", "%", "#", "1"])


def test_tokenize_normalizes_first(pre, util):
    """tokenize: the text is normalized first (case, whitespace, NFKC)"""
    hint = "tokenize must call normalize first: lower case, whitespace runs, NFKC"
    _check_tokenize(pre, util, "  THE\tEnd  ", hint, ["the", "end"])
    _check_tokenize(pre, util, "\ufb01nal\u2026", hint + " (NFKC: 'fi' ligature -> 'fi', '\u2026' -> '...')",
                    ["final", ".", ".", "."])


def test_tokenize_empty(pre, util):
    """tokenize: an empty or blank text has no tokens"""
    _check_tokenize(pre, util, "", "no text, no tokens (no empty-string token either)", [])
    _check_tokenize(pre, util, " \t\n ", "only whitespace: no tokens (no empty-string token either)", [])


def test_tokenize_random(pre, util, rng):
    """tokenize: verses of the real sample, English and Spanish"""
    for size in util.sizes(40, 60):
        text = " ".join(rng.choice(util.sample_pairs())[rng.randint(0, 1)].split()[:size])
        _check_tokenize(pre, util, text, "normalize, split on whitespace, and split off every character of "
                                         "a Unicode P* category")


# ---- filter_pairs ------------------------------------------------------------------------

def _check_filter(pre, util, pairs, max_len, hint, max_ratio=None, want=None):
    kwargs = {} if max_ratio is None else {"max_ratio": max_ratio}
    call = util.call("filter_pairs", pairs, max_len, **kwargs)
    got = pre.filter_pairs(pairs, max_len, **kwargs)
    if not isinstance(got, (list, tuple)) or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in got):
        raise AssertionError(f"{call} returned {util.shown(got)}; expected a list of (source, target) pairs")
    got = [tuple(p) for p in got]
    if want is None:
        want = util.filter_pairs(pairs, max_len, 9.0 if max_ratio is None else max_ratio)
    if got != want:
        wrong = [p for p in pairs if (p in got) != (p in want)]
        detail = ""
        if wrong:
            src, tgt = wrong[0]
            ls, lt = len(util.tokenize(src)), len(util.tokenize(tgt))
            verdict = "kept" if wrong[0] in want else "removed"
            detail = (f"; e.g. {wrong[0]!r} has {ls} and {lt} tokens (punctuation counts) and should be "
                      f"{verdict}")
        elif sorted(got) == sorted(want):
            detail = "; the right pairs, but not in their input order"
        raise AssertionError(f"{call} returned {util.shown(got)}, expected {util.shown(want)}{detail}: {hint}")


def test_filter_length_bounds(pre, util):
    """filter_pairs: both sides need 1..max_len tokens, counted with tokenize"""
    hint = ("a pair is kept only if BOTH sides have between 1 and max_len tokens (inclusive), counting "
            "the tokens of tokenize(), so punctuation counts")
    pairs = [("a b c", "x y z"), ("a b c d", "x y"), ("a b", "w x y z"), ("a", "x")]
    _check_filter(pre, util, pairs, 3, hint, want=[("a b c", "x y z"), ("a", "x")])
    pairs = [("Hi!", "¡Hola!"), ("Yes.", "Sí."), ("", "nada"), ("nothing", "   ")]
    _check_filter(pre, util, pairs, 2, hint + "; an empty side has 0 tokens and is removed",
                  want=[("Yes.", "Sí.")])


def test_filter_length_ratio(pre, util):
    """filter_pairs: the ratio longer/shorter may be at most max_ratio, in both directions"""
    one, nine, ten = "a", " ".join("abcdefghi"), " ".join("abcdefghij")
    hint = "remove a pair when max(len_src, len_tgt) / min(len_src, len_tgt) > max_ratio (equal is kept)"
    _check_filter(pre, util, [(one, nine), (nine, one), (one, ten), (ten, one)], 20, hint,
                  want=[(one, nine), (nine, one)])
    pairs = [("a b", "x y z"), ("a b", "w x y z"), ("w x y z", "a b"), ("a b c", "x y")]
    _check_filter(pre, util, pairs, 10, hint, max_ratio=1.5, want=[("a b", "x y z"), ("a b c", "x y")])


def test_filter_keeps_original_pairs_in_order(pre, util):
    """filter_pairs: the kept pairs are the original strings, in their input order"""
    pairs = [("Zeta  Alpha!", "Zeta alfa."), ("B", "b"), ("A long one here", "x"), ("  C c  ", "¿C?")]
    _check_filter(pre, util, pairs, 5, "return the input pairs themselves (not normalized or tokenized), in "
                                       "the order they came", max_ratio=3.0,
                  want=[("Zeta  Alpha!", "Zeta alfa."), ("B", "b"), ("  C c  ", "¿C?")])
