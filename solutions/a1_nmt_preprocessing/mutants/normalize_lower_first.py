"""normalize lower-cases before applying NFKC, so letter-like symbols (ℌ -> H) stay upper case.

Loses: normalize
Hint: apply NFKC before lower(): a letter-like symbol such as ℌ becomes 'H' only under NFKC, and
  must be lower-cased after that.
"""


def normalize(text):
    return " ".join(unicodedata.normalize("NFKC", text.lower()).split())
