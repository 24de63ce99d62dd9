"""replaced_token_labels leaves the special tokens labelled 0 (original) instead of -100.

Loses: replaced_tokens
Hint: [CLS], [SEP] and padding are not predicted: their label is -100 (ignored by the
  loss), wherever special_tokens_mask is True: labels.masked_fill(special_tokens_mask, -100).
"""


def replaced_token_labels(original, corrupted, special_tokens_mask):
    return (original != corrupted).long()
