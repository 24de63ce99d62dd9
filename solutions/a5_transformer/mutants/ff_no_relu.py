"""The feed-forward network forgets the ReLU between the two linear layers.

Loses: feed_forward, encoder_layer, decoder_layer
"""


def _linear_ff(self, x):
    return self.linear2(self.linear1(x))


PositionwiseFeedForward.forward = _linear_ff
