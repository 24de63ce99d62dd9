"""Takes the sentences off the caller's documents with pop(0), leaving them empty.

Loses: sop
Hint: build the examples without changing the caller's documents: pop(), del and
  reverse() on them change the caller's lists; iterate with zip(document, document[1:]).
"""


def make_sop_examples(documents, rng):
    examples = []
    for document in documents:
        while len(document) >= 2:
            first = document.pop(0)
            second = document[0]
            if rng.random() < 0.5:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(second), list(first), 1))
        document.clear()
    return examples
