"""A tiny training loop for the public tests: can your AttnSeq2Seq memorise a few dates?

It runs next to your code (it imports your attention.py). The graders use a bigger
version of the same recipe (see README.md, "How your model is trained and graded").
"""

import attention
import torch
import torch.nn.functional as F

PAIRS = [
    ("the third of may 1999", "1 9 9 9 - 0 5 - 0 3"),
    ("june 12th , 2024", "2 0 2 4 - 0 6 - 1 2"),
    ("7 jan nineteen oh five", "1 9 0 5 - 0 1 - 0 7"),
    ("friday the 30th of april 2077", "2 0 7 7 - 0 4 - 3 0"),
    ("monday , march 1 , twenty twenty-one", "2 0 2 1 - 0 3 - 0 1"),
    ("dec the ninth , 1950", "1 9 5 0 - 1 2 - 0 9"),
    ("the twentieth of august two thousand and eight", "2 0 0 8 - 0 8 - 2 0"),
    ("31 october 1912", "1 9 1 2 - 1 0 - 3 1"),
]
SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]


def vocab(sentences):
    itos = SPECIALS + sorted({t for s in sentences for t in s.split()})
    return itos, {t: i for i, t in enumerate(itos)}


def tensors():
    src_itos, src_stoi = vocab(s for s, _ in PAIRS)
    tgt_itos, tgt_stoi = vocab(t for _, t in PAIRS)
    sources = [[src_stoi[t] for t in s.split()] for s, _ in PAIRS]
    targets = [[2] + [tgt_stoi[t] for t in t_.split()] + [3] for _, t_ in PAIRS]
    width = max(len(s) for s in sources)
    src = torch.tensor([s + [0] * (width - len(s)) for s in sources])
    tgt = torch.tensor(targets)
    return src, src != 0, tgt, src_itos, tgt_itos


def memorise(score="general", steps=400, seed=0):
    """Train on the 8 pairs; return (steps used, final loss, greedy outputs as strings)."""
    torch.manual_seed(seed)
    src, mask, tgt, src_itos, tgt_itos = tensors()
    model = attention.AttnSeq2Seq(len(src_itos), len(tgt_itos), 32, 64, score=score)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    used = 0
    for used in range(1, steps + 1):
        logits = model(src, mask, tgt, teacher_forcing_ratio=1.0)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1), ignore_index=0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if loss.item() < 0.01:
            break
    model.eval()
    with torch.no_grad():
        state = model.encode(src, mask)
        tokens = torch.full((len(PAIRS),), 2)
        outputs = []
        for _ in range(tgt.size(1) - 1):
            log_probs, state = model.decode_step(tokens, state)
            tokens = log_probs.argmax(dim=-1)
            outputs.append(tokens)
    table = torch.stack(outputs, dim=1).tolist()
    decoded = []
    for row in table:
        words = []
        for token in row:
            if token == 3:
                break
            words.append(tgt_itos[token])
        decoded.append(" ".join(words))
    return used, loss.item(), decoded
