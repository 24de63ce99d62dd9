"""build_vocab adds a special token a second time when it occurs in the corpus.

Loses: build_vocab
Hint: take the special strings out of the counts before ranking (counts.pop(special, None)): a
  special met in the corpus keeps its id and is not added again.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    frequent = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max_size - 4]
    return Vocab(SPECIALS + frequent)
