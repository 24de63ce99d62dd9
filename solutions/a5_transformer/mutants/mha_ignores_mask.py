"""MultiHeadAttention never passes the mask on to the attention.

Loses: multi_head
Hint: MultiHeadAttention.forward receives a mask: pass it on to
  scaled_dot_product_attention (it broadcasts over the heads).
"""


def _unmasked_forward(self, query, key, value, mask=None):
    q = self._split(self.w_q(query))
    k = self._split(self.w_k(key))
    v = self._split(self.w_v(value))
    out, weights = scaled_dot_product_attention(q, k, v)
    b, _, lq, _ = out.shape
    return self.w_o(out.transpose(1, 2).reshape(b, lq, self.d_model)), weights


MultiHeadAttention.forward = _unmasked_forward
