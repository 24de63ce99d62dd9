"""Compares the logits at position t with the token at t itself (no shift).

Loses: causal_lm
Hint: position t predicts token t+1: compare logits[:, :-1] with input_ids[:, 1:],
  not the logits with the tokens they were computed from.
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), input_ids.reshape(-1), ignore_index=pad_id)
