"""Takes F1 as the arithmetic mean (p + r) / 2 instead of the harmonic mean.

Loses: unigram_prf
Hint: F1 is the HARMONIC mean 2 * p * r / (p + r), not the average (p + r) / 2.
"""


def precision_recall_f1(hypothesis, reference):
    matches = sum((Counter(hypothesis) & Counter(reference)).values())
    precision = matches / len(hypothesis) if hypothesis else 0.0
    recall = matches / len(reference) if reference else 0.0
    return precision, recall, (precision + recall) / 2
