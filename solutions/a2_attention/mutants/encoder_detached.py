"""Detaches the encoder's outputs, so no gradient ever reaches the encoder.

Loses: encoder_gradients
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def encode(self, src, src_mask):
        outputs, src_mask, hidden = super().encode(src, src_mask)
        return outputs.detach(), src_mask, hidden.detach()
