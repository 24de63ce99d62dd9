"""The feed-forward network forgets the ReLU between the two linear layers.

Loses: feed_forward
Hint: without a non-linearity between linear1 and linear2 the two layers collapse
  into one linear map: apply torch.relu to linear1's output.
"""


def _linear_ff(self, x):
    return self.linear2(self.linear1(x))


PositionwiseFeedForward.forward = _linear_ff
