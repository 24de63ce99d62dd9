"""Ranks the candidates by the last token's log-probability only, forgetting the parent's logprob.

Loses: beam_candidates
Hint: a candidate's logprob is its parent's logprob + log p(token | parent): add the
  hypotheses' logprobs [K, 1] to log_probs [K, V] before ranking, and keep that sum.
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = log_probs.double()
    count = min(count, candidates.numel())
    top_logprobs, flat_index = candidates.flatten().topk(count)
    return list(zip(top_logprobs.tolist(), (flat_index // vocab_size).tolist(), (flat_index % vocab_size).tolist()))
