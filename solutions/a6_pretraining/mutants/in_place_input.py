"""Writes [MASK] and the random ids into the caller's input_ids and returns it.

Loses: no_mutation
Hint: writing [MASK] and the random ids into input_ids changes the caller's tensor:
  corrupt a copy, input_ids.clone().
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, **kwargs):
    out, labels = _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
    input_ids[...] = out
    return input_ids, labels
