"""LayerNorm as in the Annotated Transformer: unbiased std and eps added outside the sqrt.

Loses: layer_norm, encoder_layer, decoder_layer
"""


def _annotated_forward(self, x):
    mean = x.mean(dim=-1, keepdim=True)
    std = x.std(dim=-1, keepdim=True)
    return self.weight * (x - mean) / (std + self.eps) + self.bias


LayerNorm.forward = _annotated_forward
