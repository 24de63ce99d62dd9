"""add subtracts instead of adding.

Loses: addition
"""


def add(a, b):
    return a - b
