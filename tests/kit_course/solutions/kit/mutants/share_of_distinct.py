"""share divides by the number of distinct tokens.

Loses: sharing
Hint: the share is over all tokens,
  repeats included: divide by len(tokens).
"""


def share(tokens, token):
    if not tokens:
        return 0.0
    return count(tokens)[token] / len(set(tokens))
