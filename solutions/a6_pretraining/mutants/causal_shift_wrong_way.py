"""Shifts the wrong way: logits[:, 1:] against input_ids[:, :-1] (predicts the previous token).

Loses: causal_lm
Hint: the output at position t predicts token t+1: drop the LAST position of the logits and
  the FIRST token of the targets (logits[:, :-1] with input_ids[:, 1:]).
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    vocab = logits.size(-1)
    return F.cross_entropy(logits[:, 1:].reshape(-1, vocab), input_ids[:, :-1].reshape(-1), ignore_index=pad_id)
