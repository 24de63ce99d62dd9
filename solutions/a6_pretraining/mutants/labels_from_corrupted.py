"""Takes the labels from the corrupted ids (after [MASK] and the random ids were written).

Loses: mlm_labels
Hint: take the labels from input_ids before anything is replaced: a selected position's
  label is its ORIGINAL id, not [MASK] or the random id it became.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    shape = input_ids.shape
    probs = torch.full(shape, float(mlm_probability)).masked_fill(special_tokens_mask.bool(), 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    to_mask = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool() & selected & ~to_mask
    random_ids = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    out = input_ids.clone()
    out[to_mask] = mask_token_id
    out[to_random] = random_ids[to_random]
    labels = out.clone()
    labels[~selected] = -100
    return out, labels
