"""The model never passes the source mask to attend, so padding gets attention.

Loses: padding
Hint: pass the source mask to attend at every decoder step (keep src_mask in the state),
  so that padding gets weight 0.
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def _step_logits(self, input_ids, state):
        outputs, src_mask, hidden = state
        hidden = self.decoder(self.tgt_embedding(input_ids), hidden)
        context, weights = attend(self.score(hidden, outputs), outputs)
        self.last_attention = weights.detach()
        attentional = torch.tanh(self.combine(torch.cat([context, hidden], dim=1)))
        return self.output(attentional), (outputs, src_mask, hidden)
