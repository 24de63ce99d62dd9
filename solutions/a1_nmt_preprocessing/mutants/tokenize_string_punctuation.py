"""tokenize splits off the characters of string.punctuation instead of the Unicode P* categories.

Loses: tokenize, filter_pairs, real_sample
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
