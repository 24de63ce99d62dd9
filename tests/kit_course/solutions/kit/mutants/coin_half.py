"""coin uses probability 0.5.

Loses: coins
Hint: a 1 comes with probability 0.3.
"""


def coin(generator, n):
    return [1 if generator.random() < 0.5 else 0 for _ in range(n)]
