"""Teacher-forces when the random number is ABOVE the ratio (so ratio 1.0 never teacher-forces).

Loses: scheduled_sampling
Hint: teacher-force when the random number is BELOW the ratio (rand < teacher_forcing_ratio):
  then ratio 1.0 always teacher-forces and ratio 0.0 never does.
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1) - 1):
        logits, state = step(inputs, state)
        all_logits.append(logits)
        if torch.rand((), generator=generator).item() > teacher_forcing_ratio:
            inputs = tgt[:, t + 1]
        else:
            inputs = logits.argmax(dim=-1)
    return torch.stack(all_logits, dim=1)
