"""Makes the negative NSP-style: A followed by a random sentence of another document.

Loses: sop
Hint: an SOP negative is the SAME two consecutive sentences in the wrong order, (B, A, 1);
  a sentence from another document is BERT's next sentence prediction, which a model
  solves by spotting the change of topic.
"""


def make_sop_examples(documents, rng):
    examples = []
    for d, document in enumerate(documents):
        others = [o for o, other in enumerate(documents) if o != d and other]
        for first, second in zip(document, document[1:]):
            if rng.random() < 0.5 or not others:
                examples.append((list(first), list(second), 0))
            else:
                examples.append((list(first), list(rng.choice(documents[rng.choice(others)])), 1))
    return examples
