"""normalize strips the ends but does not collapse inner runs of whitespace into one space.

Loses: normalize
Hint: after strip(), every inner run of whitespace still has to become one space: '
  '.join(text.split()) does both.
"""


def normalize(text):
    return unicodedata.normalize("NFKC", text).lower().strip()
