r"""tokenize uses re.findall(r"\w+|[^\w\s]"), which also splits off symbols such as $ + = ^.

Loses: tokenize
Hint: [^\w\s] matches symbols too ($ + = ^, Unicode categories S*): only the characters whose
  unicodedata.category starts with 'P' are tokens of their own; a symbol stays in its word.
"""

import re


def tokenize(text):
    return re.findall(r"\w+|[^\w\s]", normalize(text))
