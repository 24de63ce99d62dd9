"""Averages the loss over pad targets too.

Loses: causal_lm
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), input_ids[:, 1:].reshape(-1))
