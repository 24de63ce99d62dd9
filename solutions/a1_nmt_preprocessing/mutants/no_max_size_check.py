"""build_vocab does not check max_size, so max_size < 4 silently returns a vocabulary.

Loses: validation
Hint: build_vocab raises ValueError when max_size < 4: the four specials alone need 4 places.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    for special in SPECIALS:
        counts.pop(special, None)
    frequent = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max(0, max_size - 4)]
    return Vocab(SPECIALS + frequent)
