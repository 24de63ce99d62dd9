"""Computes the parent index with / instead of // (a float, not a row number).

Loses: beam_candidates, finishing, length_norm, beam_state, whole_search, model_decode
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()
    count = min(count, candidates.numel())
    top_logprobs, flat_index = candidates.flatten().topk(count)
    parents = flat_index / vocab_size
    tokens = flat_index % vocab_size
    return list(zip(top_logprobs.tolist(), parents.tolist(), tokens.tolist()))
