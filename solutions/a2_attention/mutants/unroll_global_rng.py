"""Ignores the generator argument: the decisions come from torch's global generator.

Loses: scheduled_sampling
Hint: draw the decisions from the generator you are given, torch.rand((), generator=generator);
  without generator=..., torch's global generator is used and a seeded generator changes nothing.
"""


def unroll_decoder(step, state, tgt, teacher_forcing_ratio, generator=None):
    inputs = tgt[:, 0]
    all_logits = []
    for t in range(tgt.size(1) - 1):
        logits, state = step(inputs, state)
        all_logits.append(logits)
        if torch.rand(()).item() < teacher_forcing_ratio:
            inputs = tgt[:, t + 1]
        else:
            inputs = logits.argmax(dim=-1)
    return torch.stack(all_logits, dim=1)
