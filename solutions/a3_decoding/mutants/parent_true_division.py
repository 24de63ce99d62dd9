"""Computes the parent index with / instead of // (a float, not a row number).

Loses: beam_candidates
Hint: the parent of flat index j is j // V (integer division): j / V is a float
  and cannot index a list or a tensor.
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()
    count = min(count, candidates.numel())
    top_logprobs, flat_index = candidates.flatten().topk(count)
    parents = flat_index / vocab_size
    tokens = flat_index % vocab_size
    return list(zip(top_logprobs.tolist(), parents.tolist(), tokens.tolist()))
