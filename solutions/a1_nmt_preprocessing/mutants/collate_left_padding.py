"""collate puts the padding on the left of each sequence instead of the right.

Loses: collate
Hint: pad on the RIGHT: the tokens first, then pad_id (list(ids) + [pad_id] * missing).
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    ordered = sorted(samples, key=lambda sample: len(sample[0]), reverse=True)
    src_max = max(len(s) for s, _ in ordered)
    tgt_max = max(len(t) for _, t in ordered)
    src = torch.tensor([[pad_id] * (src_max - len(s)) + list(s) for s, _ in ordered], dtype=torch.long)
    tgt = torch.tensor([[pad_id] * (tgt_max - len(t)) + list(t) for _, t in ordered], dtype=torch.long)
    return src, torch.tensor([len(s) for s, _ in ordered], dtype=torch.long), tgt
