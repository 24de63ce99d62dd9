"""Selects with a fixed probability 0.15 whatever mlm_probability says.

Loses: mlm_selection
Hint: draw the selection coins with the mlm_probability argument, not a fixed 0.15.
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, *, mlm_probability=0.15, **kwargs):
    return _reference_mask_tokens(input_ids, special_tokens_mask, mlm_probability=0.15, **kwargs)
