"""Replaces with a random id with probability 0.1 of the REST (2% overall, 18% kept).

Loses: mlm_replacement
Hint: after 80% become [MASK], a random id with probability 0.5 OF THE REST gives
  10% overall; probability 0.1 of the rest is only 2%.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    shape = input_ids.shape
    probs = torch.full(shape, float(mlm_probability)).masked_fill(special_tokens_mask.bool(), 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    labels = input_ids.clone()
    labels[~selected] = -100
    to_mask = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.1), generator=generator).bool() & selected & ~to_mask
    random_ids = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    out = input_ids.clone()
    out[to_mask] = mask_token_id
    out[to_random] = random_ids[to_random]
    return out, labels
