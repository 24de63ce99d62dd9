"""decode_step returns probabilities (softmax) instead of log-probabilities.

Loses: model_interface
Hint: decode_step returns LOG-probabilities, F.log_softmax(logits, dim=-1), not
  probabilities: a beam search adds them up.
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def decode_step(self, input_ids, state):
        logits, state = self._step_logits(input_ids, state)
        return F.softmax(logits, dim=-1), state
