"""DecoderLayer's self-attention ignores tgt_mask: each position sees the future target.

Loses: decoder_layer
Hint: the decoder's self-attention must get tgt_mask (the causal mask):
  self_attn(x, x, x, tgt_mask); without it, position i sees the words it has to predict.
"""


def _no_tgt_mask(self, x, memory, tgt_mask=None, memory_mask=None):
    x = self.norm1(x + self.self_attn(x, x, x)[0])
    x = self.norm2(x + self.cross_attn(x, memory, memory, memory_mask)[0])
    return self.norm3(x + self.ff(x))


DecoderLayer.forward = _no_tgt_mask
