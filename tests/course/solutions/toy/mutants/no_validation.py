"""scale accepts a negative factor.

Loses: scaling
"""


def scale(values, factor):
    return [v * factor for v in values]
