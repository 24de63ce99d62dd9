"""Vocab.__getitem__ returns stoi[token], which raises KeyError for an unknown token.

Loses: vocab_class
Hint: an unknown token gets 1, the id of <unk>: stoi[token] raises KeyError, stoi.get(token, 1)
  does not.
"""


class Vocab:
    def __init__(self, itos):
        self.itos = list(itos)
        self.stoi = {token: index for index, token in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def __getitem__(self, token):
        return self.stoi[token]

    def lookup_tokens(self, ids):
        return [self.itos[int(i)] for i in ids]
