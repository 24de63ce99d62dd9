"""build_vocab uses Counter.most_common, which breaks frequency ties by first occurrence instead of alphabetically.

Loses: build_vocab
Hint: Counter.most_common orders equal counts by first appearance: sort by (-count, token) so that
  equal counts come alphabetically.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    itos = list(SPECIALS)
    for token, count in counts.most_common():
        if count >= min_freq and token not in SPECIALS:
            itos.append(token)
    if max_size is not None:
        itos = itos[:max_size]
    return Vocab(itos)
