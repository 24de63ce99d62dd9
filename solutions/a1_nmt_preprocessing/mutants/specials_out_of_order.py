"""build_vocab puts the special tokens first but in the order <sos> <eos> <pad> <unk>.

Loses: build_vocab
Hint: the specials come in the order <pad>, <unk>, <sos>, <eos>: ids 0, 1, 2, 3.
"""


def build_vocab(corpus, min_freq=1, max_size=None):
    specials = ["<sos>", "<eos>", "<pad>", "<unk>"]
    if max_size is not None and max_size < 4:
        raise ValueError("max_size must be at least 4")
    counts = Counter()
    for sentence in corpus:
        counts.update(sentence)
    for special in specials:
        counts.pop(special, None)
    frequent = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        frequent = frequent[:max_size - 4]
    return Vocab(specials + frequent)
