"""Returns the looked-up embeddings without applying the projection.

Loses: factorized_embedding
Hint: forward is proj(word(input_ids)): the E-wide rows of the table are projected up to
  hidden_dim, so the output is [..., hidden_dim], not [..., embed_dim].
"""


def _forward_without_projection(self, input_ids):
    return self.word(input_ids)


FactorizedEmbedding.forward = _forward_without_projection
