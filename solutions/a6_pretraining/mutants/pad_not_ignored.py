"""Averages the loss over pad targets too.

Loses: causal_lm
Hint: pass ignore_index=pad_id to F.cross_entropy: by default it ignores -100, not the
  padding id, so padding targets are averaged in.
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), input_ids[:, 1:].reshape(-1))
