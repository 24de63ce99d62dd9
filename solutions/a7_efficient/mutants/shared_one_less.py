"""Applies the layer num_layers - 1 times (the first pass is taken as the input).

Loses: shared_layers
Hint: the layer is applied exactly num_layers times, starting from x itself: x is the input,
  not the first pass, and num_layers = 3 is layer(layer(layer(x))).
"""


def _forward_one_less(self, x, *args, **kwargs):
    for _ in range(self.num_layers - 1):
        x = self.layer(x, *args, **kwargs)
    return x


SharedLayerEncoder.forward = _forward_one_less
