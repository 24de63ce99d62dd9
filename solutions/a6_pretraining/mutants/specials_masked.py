"""Ignores special_tokens_mask: [CLS], [SEP] and padding can be selected and masked.

Loses: mlm_selection
Hint: give the special positions probability 0 before drawing the coins
  (probs.masked_fill(special_tokens_mask, 0.0)), so [CLS], [SEP] and padding are never
  selected.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    shape = input_ids.shape
    selected = torch.bernoulli(torch.full(shape, float(mlm_probability)), generator=generator).bool()
    labels = input_ids.clone()
    labels[~selected] = -100
    to_mask = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool() & selected & ~to_mask
    random_ids = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    out = input_ids.clone()
    out[to_mask] = mask_token_id
    out[to_random] = random_ids[to_random]
    return out, labels
