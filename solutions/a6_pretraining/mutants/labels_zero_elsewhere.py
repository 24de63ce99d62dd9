"""Gives the unselected positions label 0 instead of -100.

Loses: mlm_labels
Hint: unselected positions get -100 (the ignore_index of F.cross_entropy), not 0: 0 is a
  real token id, and the loss would be taken there too.
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, **kwargs):
    out, labels = _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
    return out, labels.masked_fill(labels == -100, 0)
