"""Greedy decoding stops at <eos> but leaves it out of the output.

Loses: greedy
Hint: <eos> is part of the output: append it, then stop.
"""


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = []
    last = torch.tensor([sos_id])
    while len(tokens) < max_len:
        log_probs, state = step(last, state)
        token = int(log_probs[0].argmax())
        if token == eos_id:
            break
        tokens.append(token)
        last = torch.tensor([token])
    return tokens
