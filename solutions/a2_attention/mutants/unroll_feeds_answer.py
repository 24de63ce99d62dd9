"""Teacher forcing feeds the answer: step t reads tgt[:, t + 1], the token it must predict.

Loses: teacher_forcing
Hint: step t reads tgt[:, t] and predicts tgt[:, t + 1]: step 0 reads <sos> = tgt[:, 0];
  feeding tgt[:, t + 1] hands each step its own answer.
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    all_logits = []
    for t in range(tgt.size(1) - 1):
        if t == 0 or torch.rand((), generator=generator).item() < teacher_forcing_ratio:
            inputs = tgt[:, t + 1]
        else:
            inputs = all_logits[-1].argmax(dim=-1)
        logits, state = step(inputs, state)
        all_logits.append(logits)
    return torch.stack(all_logits, dim=1)
