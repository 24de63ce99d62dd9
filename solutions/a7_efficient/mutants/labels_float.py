"""replaced_token_labels returns float labels (ready for a binary cross-entropy).

Loses: replaced_tokens
Hint: labels are torch.long, like every label tensor of the course (-100 marks an ignored
  position): convert the comparison with .long(), not .float(); the loss converts them
  where it needs floats.
"""


def replaced_token_labels(original, corrupted, special_tokens_mask):
    labels = (original != corrupted).float()
    return labels.masked_fill(special_tokens_mask.bool(), IGNORE_INDEX)
