"""Ignores num_layers: applies the layer once.

Loses: shared_layers
Hint: sharing the weights does not mean one pass: the one layer is applied num_layers times,
  each output the next input (a loop over range(num_layers)).
"""


def _forward_once(self, x, *args, **kwargs):
    return self.layer(x, *args, **kwargs)


SharedLayerEncoder.forward = _forward_once
