"""Calls the layer with x alone: the mask (*args, **kwargs) never reaches it.

Loses: shared_layers
Hint: forward(x, *args, **kwargs) passes *args and **kwargs on to EVERY call of the layer
  (self.layer(x, *args, **kwargs)): without them the attention mask is silently dropped.
"""


def _forward_without_mask(self, x, *args, **kwargs):
    for _ in range(self.num_layers):
        x = self.layer(x)
    return x


SharedLayerEncoder.forward = _forward_without_mask
