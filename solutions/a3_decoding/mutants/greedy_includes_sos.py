"""Greedy decoding returns <sos> as the first token of its output.

Loses: greedy
Hint: the output holds the generated tokens only: <sos> is fed to the model but is
  not part of the result.
"""


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = [sos_id]
    while len(tokens) - 1 < max_len:
        log_probs, state = step(torch.tensor([tokens[-1]]), state)
        token = int(log_probs[0].argmax())
        tokens.append(token)
        if token == eos_id:
            break
    return tokens
