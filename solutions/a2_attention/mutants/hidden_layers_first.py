"""Keeps the GRU's hidden state as [layers, B, H] in the decoder state (the batch is not on dim 0).

Loses: model_interface
Hint: nn.GRU's final hidden state is [layers, B, H]: take hidden[-1] so that every tensor
  of the state has the batch on dim 0.
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def encode(self, src, src_mask):
        outputs, src_mask, hidden = super().encode(src, src_mask)
        return outputs, src_mask, hidden.unsqueeze(0)

    def _step_logits(self, input_ids, state):
        outputs, src_mask, hidden = state
        logits, (outputs, src_mask, hidden) = super()._step_logits(input_ids, (outputs, src_mask, hidden[0]))
        return logits, (outputs, src_mask, hidden.unsqueeze(0))
