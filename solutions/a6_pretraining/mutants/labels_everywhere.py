"""Labels every position with its original id (no -100 at unselected positions).

Loses: mlm_labels
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, **kwargs):
    out, _ = _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
    return out, input_ids.clone()
