"""Ignores the generator argument and draws from torch's global RNG.

Loses: mlm_generator
Hint: pass generator=generator to every torch.bernoulli / torch.rand / torch.randint
  call; without it torch draws from its global generator and the seed has no effect.
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, *, generator=None, **kwargs):
    return _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
