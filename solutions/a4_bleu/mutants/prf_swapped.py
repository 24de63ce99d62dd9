"""Swaps precision and recall (divides the matches by the reference length for precision).

Loses: unigram_prf
Hint: precision divides the matches by the HYPOTHESIS length, recall by the
  REFERENCE length.
"""


def precision_recall_f1(hypothesis, reference):
    matches = sum((Counter(hypothesis) & Counter(reference)).values())
    precision = matches / len(reference) if reference else 0.0
    recall = matches / len(hypothesis) if hypothesis else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
