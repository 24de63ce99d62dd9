"""teacher_forcing_pair slices the batch dimension, (tgt[:-1], tgt[1:]), instead of the time dimension.

Loses: teacher_forcing
Hint: the time steps run along dim 1: slice tgt[:, :-1] and tgt[:, 1:]; tgt[:-1] drops a whole
  sentence of the batch instead.
"""


def teacher_forcing_pair(tgt):
    return tgt[:-1], tgt[1:]
