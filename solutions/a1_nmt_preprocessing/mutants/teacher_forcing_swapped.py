"""teacher_forcing_pair returns the shifted pair the wrong way round: (tgt[:, 1:], tgt[:, :-1]).

Loses: teacher_forcing
"""


def teacher_forcing_pair(tgt):
    return tgt[:, 1:], tgt[:, :-1]
