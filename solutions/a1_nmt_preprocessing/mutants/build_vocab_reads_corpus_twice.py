"""build_vocab reads the corpus twice (once for the token set, once to count), so an iterator gives no counts.

Loses: build_vocab
Hint: corpus may be a generator, which can be read only once: count every token in a single loop
  over corpus (Counter.update per sentence).
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    tokens = {t for sentence in corpus for t in sentence if t not in SPECIALS}
    counts = {t: 0 for t in tokens}
    for sentence in corpus:
        for t in sentence:
            if t in counts:
                counts[t] += 1
    frequent = sorted((t for t in tokens if counts[t] >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max_size - 4]
    return Vocab(SPECIALS + frequent)
