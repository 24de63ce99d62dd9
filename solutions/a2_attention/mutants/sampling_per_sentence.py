"""Draws one teacher-forcing decision per sentence instead of one per step for the whole batch.

Loses: scheduled_sampling
Hint: draw ONE number per step for the whole batch (torch.rand((), generator=generator)),
  not one per sentence.
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1) - 1):
        logits, state = step(inputs, state)
        all_logits.append(logits)
        if t + 2 < tgt.size(1):
            coins = torch.rand(tgt.size(0), generator=generator) < teacher_forcing_ratio
            inputs = torch.where(coins, tgt[:, t + 1], logits.argmax(dim=-1))
    return torch.stack(all_logits, dim=1)
