"""Greedy decoding generates up to max_len + 1 tokens (the loop test is len(tokens) <= max_len).

Loses: greedy
Hint: stop when the output has max_len tokens: the loop goes on while
  len(tokens) < max_len.
"""


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = []
    last = torch.tensor([sos_id])
    while len(tokens) <= max_len:
        log_probs, state = step(last, state)
        token = int(log_probs[0].argmax())
        tokens.append(token)
        if token == eos_id:
            break
        last = torch.tensor([token])
    return tokens
