"""collate pads with PAD_ID (0) whatever pad_id it is given.

Loses: collate
Hint: pad with the pad_id argument, not a fixed 0 (PAD_ID is only its default).
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    ordered = sorted(samples, key=lambda sample: len(sample[0]), reverse=True)
    src_max = max(len(s) for s, _ in ordered)
    tgt_max = max(len(t) for _, t in ordered)
    src = torch.tensor([list(s) + [PAD_ID] * (src_max - len(s)) for s, _ in ordered], dtype=torch.long)
    tgt = torch.tensor([list(t) + [PAD_ID] * (tgt_max - len(t)) for _, t in ordered], dtype=torch.long)
    return src, torch.tensor([len(s) for s, _ in ordered], dtype=torch.long), tgt
