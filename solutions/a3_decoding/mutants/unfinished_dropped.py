"""Drops the hypotheses still live at max_len instead of returning them unfinished.

Loses: finishing, beam_candidates, whole_search
"""


def final_ranking(finished, live):
    return sorted(finished, key=lambda h: h.score, reverse=True)
