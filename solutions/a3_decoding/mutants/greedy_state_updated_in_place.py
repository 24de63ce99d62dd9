"""Greedy decoding reuses the state's memory: it copies every new state into the old tensors in place, the caller's state first.

Loses: validation
Hint: never write into the tensors you were given (copy_, +=, [...] =): keep
  the state step returns as a new object.
"""


def _copy_into(target, source):
    if isinstance(target, torch.Tensor):
        target.copy_(source)
        return target
    if isinstance(target, tuple):
        return tuple(_copy_into(t, s) for t, s in zip(target, source))
    return source


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = []
    last = torch.tensor([sos_id])
    while len(tokens) < max_len:
        log_probs, new_state = step(last, state)
        state = _copy_into(state, new_state)  # no new allocation ... but `state` is the caller's at first
        token = int(log_probs[0].argmax())
        tokens.append(token)
        if token == eos_id:
            break
        last = torch.tensor([token])
    return tokens
