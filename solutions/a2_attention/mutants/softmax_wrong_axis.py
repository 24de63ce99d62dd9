"""Takes the softmax over the batch axis (dim 0) instead of the source axis.

Loses: masked_softmax
Hint: the softmax runs over the source positions, dim=1 of [B, S], separately for every
  sentence; over dim 0 it mixes different sentences.
"""


def attend(scores, values, mask=None):
    if mask is not None:
        if not bool(mask.any(dim=1).all()):
            raise ValueError("mask: a row has no True position")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=0)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
