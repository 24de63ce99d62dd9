"""Draws the random replacement from the tokens of the batch instead of the whole vocabulary.

Loses: mlm_replacement
Hint: draw the random id from the whole vocabulary, torch.randint(vocab_size, ...),
  not from the tokens of the batch.
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    out, labels = _reference_mask_tokens(input_ids, special_tokens_mask, mask_token_id=mask_token_id,
                                         vocab_size=vocab_size, mlm_probability=mlm_probability, generator=generator)
    replaced = (labels != -100) & (out != mask_token_id) & (out != input_ids)
    flat = input_ids[~special_tokens_mask.bool()]
    picks = torch.randint(flat.numel(), (int(replaced.sum()),), generator=generator)
    out[replaced] = flat[picks]
    return out, labels
