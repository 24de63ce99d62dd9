"""normalize lower-cases and collapses whitespace but skips the Unicode NFKC step.

Loses: normalize, tokenize
"""


def normalize(text):
    return " ".join(text.lower().split())
