"""Pairs consecutive sentences of the whole corpus, across document boundaries.

Loses: nsp_pairs
Hint: pairs are made inside each document: the last sentence of one document and the
  first sentence of the next are not a consecutive pair.
"""


def make_nsp_examples(documents, rng):
    non_empty = [d for d, doc in enumerate(documents) if len(doc) > 0]
    for d, doc in enumerate(documents):
        if len(doc) >= 2 and not any(other != d for other in non_empty):
            raise ValueError("documents: no other document to draw a sentence from")
    sentences = [(d, sentence) for d, doc in enumerate(documents) for sentence in doc]
    examples = []
    for k in range(len(sentences) - 1):
        d, a = sentences[k]
        if rng.random() < 0.5:
            examples.append((list(a), list(sentences[k + 1][1]), 0))
        else:
            other = documents[rng.choice([o for o in non_empty if o != d])]
            examples.append((list(a), list(rng.choice(other)), 1))
    return examples
