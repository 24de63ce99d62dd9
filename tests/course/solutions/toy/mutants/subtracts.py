"""add subtracts instead of adding.

Loses: addition
Hint: add returns a + b; yours looks like a - b.
"""


def add(a, b):
    return a - b
