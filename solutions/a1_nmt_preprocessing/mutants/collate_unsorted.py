"""collate pads the samples in their input order without sorting them by source length.

Loses: collate
Hint: sort the samples by source length, longest first, before padding them.
"""


def collate(samples, pad_id=PAD_ID):
    if not samples:
        raise ValueError("samples is empty")
    src_max = max(len(s) for s, _ in samples)
    tgt_max = max(len(t) for _, t in samples)
    src = torch.tensor([list(s) + [pad_id] * (src_max - len(s)) for s, _ in samples], dtype=torch.long)
    tgt = torch.tensor([list(t) + [pad_id] * (tgt_max - len(t)) for _, t in samples], dtype=torch.long)
    return src, torch.tensor([len(s) for s, _ in samples], dtype=torch.long), tgt
