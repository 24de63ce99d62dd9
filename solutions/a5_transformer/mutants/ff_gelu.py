"""The feed-forward network uses GELU (BERT's choice) instead of the paper's ReLU.

Loses: feed_forward
Hint: the paper's (and nn.TransformerEncoderLayer's default) activation is ReLU:
  linear2(relu(linear1(x))), not GELU.
"""


def _gelu_ff(self, x):
    return self.linear2(self.dropout(torch.nn.functional.gelu(self.linear1(x))))


PositionwiseFeedForward.forward = _gelu_ff
