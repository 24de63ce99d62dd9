"""Splits the heads with a view to [B, h, L, d_k] directly (no transpose): positions and heads mix.

Loses: multi_head
Hint: reshaping [B, L, D] straight to [B, h, L, d_k] mixes positions and heads:
  view as [B, L, h, d_k] first, then transpose(1, 2).
"""


def _bad_split(self, x):
    b, length, _ = x.shape
    return x.reshape(b, self.num_heads, length, self.d_k)


MultiHeadAttention._split = _bad_split
