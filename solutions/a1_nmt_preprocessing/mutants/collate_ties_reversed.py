"""collate sorts ascending and then reverses the list, which puts samples of equal length in reverse order (not stable).

Loses: collate
Hint: sorting ascending and then reversing puts equal lengths in reverse order: sorted(samples,
  key=..., reverse=True) is stable.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    ordered = sorted(samples, key=lambda sample: len(sample[0]))[::-1]
    src_max = max(len(s) for s, _ in ordered)
    tgt_max = max(len(t) for _, t in ordered)
    src = torch.tensor([list(s) + [pad_id] * (src_max - len(s)) for s, _ in ordered], dtype=torch.long)
    tgt = torch.tensor([list(t) + [pad_id] * (tgt_max - len(t)) for _, t in ordered], dtype=torch.long)
    return src, torch.tensor([len(s) for s, _ in ordered], dtype=torch.long), tgt
