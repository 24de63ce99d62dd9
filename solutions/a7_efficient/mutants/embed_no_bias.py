"""Builds the projection without its bias (nn.Linear(embed_dim, hidden_dim, bias=False)).

Loses: factorized_embedding
Hint: proj is nn.Linear(embed_dim, hidden_dim) WITH its bias: E*H weights plus H biases, so
  the parameters number V*E + E*H + H.
"""


class FactorizedEmbedding(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.word = nn.Embedding(vocab_size, embed_dim)
        self.proj = nn.Linear(embed_dim, hidden_dim, bias=False)

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.proj(self.word(input_ids))
