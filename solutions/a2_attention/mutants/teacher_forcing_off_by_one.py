"""Teacher forcing off by one: step t + 1 reads tgt[:, t] (the token step t already read).

Loses: teacher_forcing
Hint: under teacher forcing step t reads tgt[:, t], the token it follows, not tgt[:, t-1]
  (the token the step before already read).
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1) - 1):
        logits, state = step(inputs, state)
        all_logits.append(logits)
        if torch.rand((), generator=generator).item() < teacher_forcing_ratio:
            inputs = tgt[:, t]
        else:
            inputs = logits.argmax(dim=-1)
    return torch.stack(all_logits, dim=1)
