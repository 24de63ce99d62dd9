"""Takes the mean loss of each sentence, then the mean over sentences.

Loses: causal_lm
Hint: average over all real target tokens of the batch at once (F.cross_entropy with
  ignore_index=pad_id does this), not over the means of the sentences.
"""


def causal_lm_loss(logits, input_ids, pad_id=0):
    per_token = F.cross_entropy(logits[:, :-1].transpose(1, 2), input_ids[:, 1:], ignore_index=pad_id,
                                reduction="none")
    real = (input_ids[:, 1:] != pad_id).float()
    return ((per_token * real).sum(1) / real.sum(1)).mean()
