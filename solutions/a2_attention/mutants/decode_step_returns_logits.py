"""decode_step returns raw logits instead of log-probabilities.

Loses: model_interface
"""


class AttnSeq2Seq(AttnSeq2Seq):
    def decode_step(self, input_ids, state):
        return self._step_logits(input_ids, state)
