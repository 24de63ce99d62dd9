"""build_vocab sorts by (count, token) with reverse=True, which puts tokens of equal count in reverse alphabetical order.

Loses: build_vocab
Hint: reverse=True reverses the alphabetical order of ties too: sort by (-count, token), so that
  counts go down and equal counts come alphabetically.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    for special in SPECIALS:
        counts.pop(special, None)
    frequent = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (counts[t], t), reverse=True)
    if max_size is not None:
        frequent = frequent[:max_size - 4]
    return Vocab(SPECIALS + frequent)
