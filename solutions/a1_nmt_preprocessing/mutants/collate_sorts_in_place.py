"""collate sorts the caller's samples list in place and pads the caller's id lists in place.

Loses: collate
Hint: samples.sort() reorders the caller's list and extend() pads the caller's id lists: use
  sorted(samples, ...) and list(ids) + padding.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    samples.sort(key=lambda sample: len(sample[0]), reverse=True)
    lengths = [len(s) for s, _ in samples]
    src_max = max(lengths)
    tgt_max = max(len(t) for _, t in samples)
    for s, t in samples:
        s.extend([pad_id] * (src_max - len(s)))
        t.extend([pad_id] * (tgt_max - len(t)))
    src = torch.tensor([s for s, _ in samples], dtype=torch.long)
    tgt = torch.tensor([t for _, t in samples], dtype=torch.long)
    return src, torch.tensor(lengths, dtype=torch.long), tgt
