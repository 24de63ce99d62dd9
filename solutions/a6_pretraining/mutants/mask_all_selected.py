"""Replaces every selected position by [MASK] (no random ids, none kept).

Loses: mlm_replacement
Hint: only 80% of the selected positions become [MASK]; 10% get a random id and 10% keep
  their token, so that the model cannot trust the unmasked tokens either.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    probs = torch.full(input_ids.shape, float(mlm_probability)).masked_fill(special_tokens_mask.bool(), 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    labels = input_ids.clone()
    labels[~selected] = -100
    out = input_ids.clone()
    out[selected] = mask_token_id
    return out, labels
