"""Runs T steps instead of T-1: the last target token is fed too, and the output is [B, T, V].

Loses: teacher_forcing
Hint: there are T-1 steps (range(tgt.size(1) - 1)): the last target token, usually <eos>,
  is never an input, and the output is [B, T-1, V].
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1)):
        logits, state = step(inputs, state)
        all_logits.append(logits)
        if t + 1 < tgt.size(1):
            if torch.rand((), generator=generator).item() < teacher_forcing_ratio:
                inputs = tgt[:, t + 1]
            else:
                inputs = logits.argmax(dim=-1)
    return torch.stack(all_logits, dim=1)
