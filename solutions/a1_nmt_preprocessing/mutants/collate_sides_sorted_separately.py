"""collate sorts the sources and the targets each by their own length, so targets no longer match their sources.

Loses: collate
Hint: sort the (source, target) PAIRS by source length; sorting the two sides separately takes
  targets away from their sources.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    sources = sorted((s for s, _ in samples), key=len, reverse=True)
    targets = sorted((t for _, t in samples), key=len, reverse=True)
    src_max, tgt_max = len(sources[0]), len(targets[0])
    src = torch.tensor([list(s) + [pad_id] * (src_max - len(s)) for s in sources], dtype=torch.long)
    tgt = torch.tensor([list(t) + [pad_id] * (tgt_max - len(t)) for t in targets], dtype=torch.long)
    return src, torch.tensor([len(s) for s in sources], dtype=torch.long), tgt
