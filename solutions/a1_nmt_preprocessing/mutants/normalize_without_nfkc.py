"""normalize lower-cases and collapses whitespace but skips the Unicode NFKC step.

Loses: normalize
Hint: apply unicodedata.normalize('NFKC', text) first: it folds ligatures and full-width letters and
  composes accents.
"""


def normalize(text):
    return " ".join(text.lower().split())
