"""Returns the hypotheses sorted worst score first (ascending).

Loses: length_norm
Hint: sort by score with the best (highest, closest to 0) first:
  sorted(..., reverse=True).
"""


def final_ranking(finished, live):
    return sorted(finished + live, key=lambda h: h.score)
