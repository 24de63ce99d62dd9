"""Ignores targets equal to 0 whatever pad_id is.

Loses: causal_lm
Hint: ignore the targets equal to the pad_id argument (ignore_index=pad_id), not a fixed 0.
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    vocab = logits.size(-1)
    return F.cross_entropy(logits[:, :-1].reshape(-1, vocab), input_ids[:, 1:].reshape(-1), ignore_index=0)
