"""Takes the reference length for the brevity penalty from the first reference only.

Loses: closest_ref, corpus_level, sentence_bleu
"""


def _sentence_statistics(hypothesis, references, max_n):
    matches, totals = [], []
    for n in range(1, max_n + 1):
        matched, total = modified_precision(hypothesis, references, n)
        matches.append(matched)
        totals.append(total)
    return matches, totals, len(hypothesis), len(references[0])
