"""Gives every step the initial state: the state a step returns is thrown away.

Loses: teacher_forcing
Hint: pass on the state each step returns: logits, state = step(inputs, state), so that
  step t + 1 continues from where step t stopped.
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1) - 1):
        logits, _ = step(inputs, state)
        all_logits.append(logits)
        if torch.rand((), generator=generator).item() < teacher_forcing_ratio:
            inputs = tgt[:, t + 1]
        else:
            inputs = logits.argmax(dim=-1)
    return torch.stack(all_logits, dim=1)
