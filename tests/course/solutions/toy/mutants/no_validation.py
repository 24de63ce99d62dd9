"""scale accepts a negative factor.

Loses: scaling
Hint: check the factor first and raise ValueError when it is negative.
"""


def scale(values, factor):
    return [v * factor for v in values]
