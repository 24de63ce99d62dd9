"""Pre-LN layers (the Annotated Transformer's code): x + sublayer(norm(x)).

Loses: encoder_layer, decoder_layer
Hint: this is pre-LN (x + sublayer(norm(x))); the paper's post-LN adds the residual
  first and normalises the sum: x = norm(x + sublayer(x)).
"""


def _pre_ln_encoder(self, x, mask=None):
    h = self.norm1(x)
    x = x + self.self_attn(h, h, h, mask)[0]
    return x + self.ff(self.norm2(x))


def _pre_ln_decoder(self, x, memory, tgt_mask=None, memory_mask=None):
    h = self.norm1(x)
    x = x + self.self_attn(h, h, h, tgt_mask)[0]
    h = self.norm2(x)
    x = x + self.cross_attn(h, memory, memory, memory_mask)[0]
    return x + self.ff(self.norm3(x))


EncoderLayer.forward = _pre_ln_encoder
DecoderLayer.forward = _pre_ln_decoder
