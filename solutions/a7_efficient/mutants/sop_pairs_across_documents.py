"""Pairs consecutive sentences of the whole corpus, across document boundaries.

Loses: sop
Hint: pairs are made inside each document: the last sentence of one document and the
  first sentence of the next are not a consecutive pair (their order carries no signal).
"""


def make_sop_examples(documents, rng):
    sentences = [sentence for document in documents for sentence in document]
    examples = []
    for first, second in zip(sentences, sentences[1:]):
        if rng.random() < 0.5:
            examples.append((list(first), list(second), 0))
        else:
            examples.append((list(second), list(first), 1))
    return examples
