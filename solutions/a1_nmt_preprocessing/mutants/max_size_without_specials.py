"""build_vocab keeps max_size ordinary tokens, not counting the four specials.

Loses: build_vocab
Hint: max_size counts the 4 specials too: keep the max_size - 4 most frequent tokens.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    for special in SPECIALS:
        counts.pop(special, None)
    frequent = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max_size]
    return Vocab(SPECIALS + frequent)
