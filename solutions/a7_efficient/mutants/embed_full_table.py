"""Gives the table hidden_dim columns (nn.Embedding(V, H), then an H -> H projection): no factorisation.

Loses: factorized_embedding
Hint: the table is small, V x E (nn.Embedding(vocab_size, embed_dim)), and proj maps E up
  to H (nn.Linear(embed_dim, hidden_dim)): V*E + E*H + H parameters, not BERT's V x H table.
"""


class FactorizedEmbedding(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.word = nn.Embedding(vocab_size, hidden_dim)
        self.proj = nn.Linear(hidden_dim, hidden_dim)

    def forward(self, input_ids: Tensor) -> Tensor:
        return self.proj(self.word(input_ids))
