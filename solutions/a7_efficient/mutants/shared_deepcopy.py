"""Makes a deep copy of the layer per depth (BERT's stack of separate layers, not ALBERT).

Loses: shared_layers
Hint: keep the given module itself (self.layer = layer) and apply it num_layers times: a copy
  per depth has num_layers sets of parameters, and the layer you were given gets no gradient.
"""

import copy


class SharedLayerEncoder(nn.Module):
    def __init__(self, layer: nn.Module, num_layers: int):
        super().__init__()
        self.layers = nn.ModuleList(copy.deepcopy(layer) for _ in range(num_layers))

    def forward(self, x: Tensor, *args, **kwargs) -> Tensor:
        for layer in self.layers:
            x = layer(x, *args, **kwargs)
        return x
