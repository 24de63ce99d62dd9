"""tokenize splits off the characters of string.punctuation instead of the Unicode P* categories.

Loses: tokenize
Hint: string.punctuation is ASCII only (no ¿ ¡ « ») and holds symbols ($ + = ^): split off exactly
  the characters whose unicodedata.category starts with 'P'.
"""

import string


def tokenize(text):
    tokens = []
    for piece in normalize(text).split():
        word = ""
        for char in piece:
            if char in string.punctuation:
                if word:
                    tokens.append(word)
                    word = ""
                tokens.append(char)
            else:
                word += char
        if word:
            tokens.append(word)
    return tokens
