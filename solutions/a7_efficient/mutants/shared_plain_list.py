"""Keeps the layer in a plain Python list ([layer] * num_layers): nn.Module does not see it.

Loses: shared_layers
Hint: keep the layer as a module attribute (self.layer = layer, or an nn.ModuleList): in a
  plain Python list it is not registered, so encoder.parameters() is empty and an optimiser
  given them would never train the layer.
"""


class SharedLayerEncoder(nn.Module):
    def __init__(self, layer: nn.Module, num_layers: int):
        super().__init__()
        self.layers = [layer] * num_layers

    def forward(self, x: Tensor, *args, **kwargs) -> Tensor:
        for layer in self.layers:
            x = layer(x, *args, **kwargs)
        return x
