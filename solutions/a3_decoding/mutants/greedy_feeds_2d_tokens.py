"""Greedy decoding feeds last_tokens of shape [1, 1] (torch.tensor([[token]])) instead of [1].

Loses: greedy
Hint: last_tokens is a 1-D tensor with one token per hypothesis: torch.tensor([token]) of
  shape [1], not torch.tensor([[token]]) of shape [1, 1].
"""


def greedy_decode(step, state, *, sos_id, eos_id, max_len):
    _check_positive("max_len", max_len)
    tokens = []
    last = torch.tensor([[sos_id]])
    while len(tokens) < max_len:
        log_probs, state = step(last, state)
        token = int(log_probs[0].argmax())
        tokens.append(token)
        if token == eos_id:
            break
        last = torch.tensor([[token]])
    return tokens
