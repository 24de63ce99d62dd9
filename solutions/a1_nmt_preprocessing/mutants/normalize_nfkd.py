"""normalize uses Unicode NFKD instead of NFKC: ligatures are folded, but accents stay apart from their letters.

Loses: normalize
Hint: NFKD folds the compatibility characters but leaves every accent as a separate combining
  character: use NFKC, which also composes them ('e' + U+0301 -> 'é').
"""


def normalize(text):
    return " ".join(unicodedata.normalize("NFKD", text).lower().split())
