"""Labels every position with its original id (no -100 at unselected positions).

Loses: mlm_labels
Hint: labels start as a copy of input_ids: set every position that was NOT selected to
  -100 (labels[~selected] = -100), so the loss is taken only at the selected ones.
"""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, special_tokens_mask, **kwargs):
    out, _ = _reference_mask_tokens(input_ids, special_tokens_mask, **kwargs)
    return out, input_ids.clone()
