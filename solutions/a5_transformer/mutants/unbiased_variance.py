"""LayerNorm with the unbiased variance (divides by D-1).

Loses: layer_norm
Hint: use the biased variance (divide by D): x.var(dim=-1, unbiased=False,
  keepdim=True), as nn.LayerNorm does; torch's default var/std divide by D - 1.
"""


def _unbiased_forward(self, x):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=True, keepdim=True)
    return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias


LayerNorm.forward = _unbiased_forward
