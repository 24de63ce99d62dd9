"""teacher_forcing_pair returns the shifted pair the wrong way round: (tgt[:, 1:], tgt[:, :-1]).

Loses: teacher_forcing
Hint: the decoder READS tgt[:, :-1] (from <sos>) and must PREDICT tgt[:, 1:] (the next token, up to
  <eos>): return them in that order.
"""


def teacher_forcing_pair(tgt):
    return tgt[:, 1:], tgt[:, :-1]
