"""Applies the layer num_layers + 1 times (an extra pass before the loop).

Loses: shared_layers
Hint: the layer is applied exactly num_layers times, no extra pass before or after the loop:
  num_layers = 3 is layer(layer(layer(x))).
"""


def _forward_one_more(self, x, *args, **kwargs):
    x = self.layer(x, *args, **kwargs)
    for _ in range(self.num_layers):
        x = self.layer(x, *args, **kwargs)
    return x


SharedLayerEncoder.forward = _forward_one_more
