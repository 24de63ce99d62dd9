"""tokenize splits the raw text and never calls normalize: case, whitespace and NFKC are left as they were.

Loses: tokenize
Hint: call normalize(text) first and split the normalized text: tokens are lower case and NFKC.
"""


def tokenize(text):
    tokens = []
    for piece in text.split():
        word = ""
        for char in piece:
            if unicodedata.category(char).startswith("P"):
                if word:
                    tokens.append(word)
                    word = ""
                tokens.append(char)
            else:
                word += char
        if word:
            tokens.append(word)
    return tokens
