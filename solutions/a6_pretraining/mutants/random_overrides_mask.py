"""Chooses the random-id positions among all selected ones, so they overwrite half of the [MASK]s.

Loses: mlm_replacement
Hint: choose the random-id positions among the selected ones that did NOT become [MASK]
  (& ~masked); otherwise the random ids overwrite half of the [MASK]s.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    shape = input_ids.shape
    probs = torch.full(shape, float(mlm_probability)).masked_fill(special_tokens_mask.bool(), 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    labels = input_ids.clone()
    labels[~selected] = -100
    to_mask = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool() & selected
    random_ids = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    out = input_ids.clone()
    out[to_mask] = mask_token_id
    out[to_random] = random_ids[to_random]
    return out, labels
