"""LayerNorm as in the Annotated Transformer: unbiased std and eps added outside the sqrt.

Loses: layer_norm
Hint: this is the Annotated Transformer's LayerNorm: x.std() is the unbiased
  standard deviation, and eps is added outside the square root. nn.LayerNorm divides by
  sqrt(var + eps) with the biased variance (x.var(unbiased=False)).
"""


def _annotated_forward(self, x):
    mean = x.mean(dim=-1, keepdim=True)
    std = x.std(dim=-1, keepdim=True)
    return self.weight * (x - mean) / (std + self.eps) + self.bias


LayerNorm.forward = _annotated_forward
