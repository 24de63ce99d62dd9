"""replaced_token_labels gives 1 to the original tokens and 0 to the replaced ones.

Loses: replaced_tokens
Hint: the discriminator answers "was this token replaced?": 1 where corrupted differs from
  original (original != corrupted), 0 where they are equal.
"""


def replaced_token_labels(original, corrupted, special_tokens_mask):
    labels = (original == corrupted).long()
    return labels.masked_fill(special_tokens_mask.bool(), IGNORE_INDEX)
