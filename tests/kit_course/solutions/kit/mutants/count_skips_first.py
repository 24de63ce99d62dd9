"""count skips the first token.

Loses: counting
Hint: every token is counted, the first one too: does your loop start at 1?
"""


def count(tokens):
    return Counter(tokens[1:])
