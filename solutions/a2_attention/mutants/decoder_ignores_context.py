"""Computes the attention but predicts from the decoder state alone: the context vector is never used.

Loses: training
Hint: the prediction must use the context vector: combine it with the decoder state,
  tanh(W_c [c_t; h_t]), before the output layer.
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def _step_logits(self, input_ids, state):
        outputs, src_mask, hidden = state
        hidden = self.decoder(self.tgt_embedding(input_ids), hidden)
        context, weights = attend(self.score(hidden, outputs), outputs, src_mask)
        self.last_attention = weights.detach()
        return self.output(torch.tanh(hidden)), (outputs, src_mask, hidden)
