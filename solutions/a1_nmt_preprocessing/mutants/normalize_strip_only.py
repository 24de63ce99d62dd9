"""normalize strips the ends but does not collapse inner runs of whitespace into one space.

Loses: normalize
"""


def normalize(text):
    return unicodedata.normalize("NFKC", text).lower().strip()
