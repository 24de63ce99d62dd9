"""Vocab keeps stoi as a defaultdict, so looking up an unknown token inserts it.

Loses: vocab_class
Hint: look tokens up with stoi.get(token, 1): a defaultdict inserts every unknown token it is asked
  about.
"""

from collections import defaultdict


class Vocab:
    def __init__(self, itos):
        self.itos = list(itos)
        self.stoi = defaultdict(lambda: UNK_ID)
        for index, token in enumerate(self.itos):
            self.stoi[token] = index

    def __len__(self):
        return len(self.stoi)

    def __getitem__(self, token):
        return self.stoi[token]

    def lookup_tokens(self, ids):
        return [self.itos[i] for i in ids]
