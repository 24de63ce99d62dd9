"""build_vocab keeps tokens whose count is greater than min_freq instead of at least min_freq.

Loses: build_vocab
Hint: a token is kept when its count is AT LEAST min_freq (count >= min_freq), not greater than it.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    for special in SPECIALS:
        counts.pop(special, None)
    frequent = sorted((t for t, c in counts.items() if c > min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max_size - 4]
    return Vocab(SPECIALS + frequent)
