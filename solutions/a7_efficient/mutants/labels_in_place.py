"""replaced_token_labels writes the labels into the corrupted tensor it was given.

Loses: replaced_tokens
Hint: do not modify the tensors you are given: labels[...] = ... on corrupted (or on a
  name bound to it) changes the caller's ids; build a new tensor, (original !=
  corrupted).long().masked_fill(special_tokens_mask, -100).
"""


def replaced_token_labels(original, corrupted, special_tokens_mask):
    labels = corrupted
    replaced = corrupted != original
    labels[replaced] = 1
    labels[~replaced] = 0
    labels[special_tokens_mask.bool()] = IGNORE_INDEX
    return labels
