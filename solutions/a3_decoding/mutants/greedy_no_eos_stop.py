"""Greedy decoding does not stop at <eos>: it always generates max_len tokens.

Loses: greedy
Hint: stop right after appending <eos>: it is the last token of the output.
"""


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = []
    last = torch.tensor([sos_id])
    for _ in range(max_len):
        log_probs, state = step(last, state)
        token = int(log_probs[0].argmax())
        tokens.append(token)
        last = torch.tensor([token])
    return tokens
