"""Detaches the encoder's outputs, so no gradient ever reaches the encoder.

Loses: encoder_gradients, training
Hint: the state encode returns must keep its graph: no .detach(), .data or
  torch.no_grad() on the encoder's outputs or hidden state, or the encoder never learns.
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def encode(self, src, src_mask):
        outputs, src_mask, hidden = super().encode(src, src_mask)
        return outputs.detach(), src_mask, hidden.detach()
