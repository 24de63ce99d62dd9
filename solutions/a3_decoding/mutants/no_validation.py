"""Never raises ValueError for beam_size < 1 or max_len < 1.

Loses: validation
"""


def _check_positive(name, value):
    pass
