"""normalize uses Unicode NFC instead of NFKC: accents are composed, but ligatures and full-width letters stay.

Loses: normalize
Hint: NFC composes accents but keeps the compatibility characters (the ligature ﬁ, full-width
  letters, superscripts): use unicodedata.normalize('NFKC', text).
"""


def normalize(text):
    return " ".join(unicodedata.normalize("NFC", text).lower().split())
