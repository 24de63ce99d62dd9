"""collate sorts the samples by source length, shortest first.

Loses: collate
Hint: sort the LONGEST source first (reverse=True): pack_padded_sequence needs decreasing lengths.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    ordered = sorted(samples, key=lambda sample: len(sample[0]))
    src_max = max(len(s) for s, _ in ordered)
    tgt_max = max(len(t) for _, t in ordered)
    src = torch.tensor([list(s) + [pad_id] * (src_max - len(s)) for s, _ in ordered], dtype=torch.long)
    tgt = torch.tensor([list(t) + [pad_id] * (tgt_max - len(t)) for _, t in ordered], dtype=torch.long)
    return src, torch.tensor([len(s) for s, _ in ordered], dtype=torch.long), tgt
