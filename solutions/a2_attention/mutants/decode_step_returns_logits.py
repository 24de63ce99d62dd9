"""decode_step returns raw logits instead of log-probabilities.

Loses: model_interface
Hint: decode_step returns LOG-probabilities: apply F.log_softmax(logits, dim=-1) before
  returning (forward may keep raw logits).
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def decode_step(self, input_ids, state):
        return self._step_logits(input_ids, state)
