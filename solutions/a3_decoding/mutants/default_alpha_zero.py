"""Gives alpha the default 0.0 (raw logprob) instead of 1.0.

Loses: length_norm
Hint: alpha's default is 1.0, the average logprob per token: def beam_search(..., alpha=1.0).
"""

_beam_search_with_alpha = beam_search


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=0.0):
    return _beam_search_with_alpha(step, state, sos_id=sos_id, eos_id=eos_id, beam_size=beam_size,
                                   max_len=max_len, alpha=alpha)
