"""Selects exactly round(15%) of the non-special positions of each row (not independent).

Loses: mlm_selection
Hint: choosing exactly round(mlm_probability x n) positions in each row is not
  independent selection: give every position its own coin, e.g. torch.bernoulli of a matrix
  of probabilities.
"""


def mask_tokens(input_ids, special_tokens_mask, *, mask_token_id, vocab_size, mlm_probability=0.15, generator=None):
    shape = input_ids.shape
    selected = torch.zeros(shape, dtype=torch.bool)
    for b in range(shape[0]):
        candidates = (~special_tokens_mask[b].bool()).nonzero().flatten()
        count = round(mlm_probability * candidates.numel())
        order = torch.randperm(candidates.numel(), generator=generator)
        selected[b, candidates[order[:count]]] = True
    labels = input_ids.clone()
    labels[~selected] = -100
    to_mask = torch.bernoulli(torch.full(shape, 0.8), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.5), generator=generator).bool() & selected & ~to_mask
    random_ids = torch.randint(vocab_size, shape, generator=generator, dtype=input_ids.dtype)
    out = input_ids.clone()
    out[to_mask] = mask_token_id
    out[to_random] = random_ids[to_random]
    return out, labels
