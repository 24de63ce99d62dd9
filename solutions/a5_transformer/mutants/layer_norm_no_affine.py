"""LayerNorm normalises but never applies its weight and bias.

Loses: layer_norm, gradients
Hint: after normalising, multiply by self.weight and add self.bias: they are the
  layer's learned scale and shift, and unused they never get a gradient either.
"""


def _no_affine(self, x):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + self.eps)


LayerNorm.forward = _no_affine
