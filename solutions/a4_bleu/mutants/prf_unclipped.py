"""Counts every hypothesis word found in the reference as a match, without clipping.

Loses: unigram_prf
Hint: a hypothesis word matches at most as many times as it occurs in the
  reference: add min(count in hypothesis, count in reference) over the words.
"""


def precision_recall_f1(hypothesis, reference):
    matches = sum(1 for word in hypothesis if word in reference)
    precision = matches / len(hypothesis) if hypothesis else 0.0
    recall = matches / len(reference) if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
