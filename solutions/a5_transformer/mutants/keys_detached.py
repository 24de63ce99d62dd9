"""Detaches the projected keys: the forward pass is right, but w_k never learns.

Loses: gradients
Hint: look for .detach(), .data, torch.no_grad() or a numpy round trip on the path
  from w_k to the output: w_k gets no gradient and never learns.
"""


def _detached_forward(self, query, key, value, mask=None):
    q = self._split(self.w_q(query))
    k = self._split(self.w_k(key)).detach()
    v = self._split(self.w_v(value))
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    b, _, lq, _ = out.shape
    return self.w_o(out.transpose(1, 2).reshape(b, lq, self.d_model)), weights


MultiHeadAttention.forward = _detached_forward
