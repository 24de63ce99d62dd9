"""Takes the reference length for the brevity penalty from the first reference only.

Loses: corpus_level, sentence_bleu
Hint: the reference length of a sentence is the one closest to its hypothesis
  (closest_ref_length over the lengths of ALL its references), not the first
  reference's length.
"""


def _sentence_statistics(hypothesis, references, max_n):
    matches, totals = [], []
    for n in range(1, max_n + 1):
        matched, total = modified_precision(hypothesis, references, n)
        matches.append(matched)
        totals.append(total)
    return matches, totals, len(hypothesis), len(references[0])
