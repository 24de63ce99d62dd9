"""collate reports the padded length (the width of src) as every sample's source length.

Loses: collate
Hint: src_lengths are the true lengths of the sources (len(source) before padding), not the padded
  width.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    ordered = sorted(samples, key=lambda sample: len(sample[0]), reverse=True)
    src_max = max(len(s) for s, _ in ordered)
    tgt_max = max(len(t) for _, t in ordered)
    src = torch.tensor([list(s) + [pad_id] * (src_max - len(s)) for s, _ in ordered], dtype=torch.long)
    tgt = torch.tensor([list(t) + [pad_id] * (tgt_max - len(t)) for _, t in ordered], dtype=torch.long)
    return src, torch.tensor([src.shape[1]] * len(ordered), dtype=torch.long), tgt
