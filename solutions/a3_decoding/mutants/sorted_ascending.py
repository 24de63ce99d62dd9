"""Returns the hypotheses sorted worst score first (ascending).

Loses: length_norm, whole_search, model_decode
"""


def final_ranking(finished, live):
    return sorted(finished + live, key=lambda h: h.score)
