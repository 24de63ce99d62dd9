"""tokenize splits on whitespace only: punctuation stays glued to the words.

Loses: tokenize
Hint: split every punctuation character off as a token of its own
  (unicodedata.category(c).startswith('P')), also inside a word.
"""


def tokenize(text):
    return normalize(text).split()
