"""Ignores the generator argument and draws from torch's global RNG.

Loses: mlm_generator
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, *, generator=None, **kwargs):
    return _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
