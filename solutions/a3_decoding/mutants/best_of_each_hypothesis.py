"""Extends every live hypothesis by its own best token (K greedy searches) instead of ranking all K*V candidates.

Loses: beam_candidates
Hint: rank all K*V candidates together (flatten the [K, V] scores and take topk):
  two extensions of a good hypothesis may both survive while a weak hypothesis has none.
"""


def best_candidates(hyp_logprobs, log_probs, count):
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()  # [K, V]
    if candidates.size(0) == 1:  # the first step: the best `count` tokens of the only hypothesis
        values, tokens = candidates[0].topk(min(count, candidates.size(1)))
        return [(v, 0, t) for v, t in zip(values.tolist(), tokens.tolist())]
    values, tokens = candidates.max(dim=1)  # each hypothesis keeps its own best extension
    triples = [(v, parent, t) for parent, (v, t) in enumerate(zip(values.tolist(), tokens.tolist()))]
    return sorted(triples, reverse=True)[:count]
