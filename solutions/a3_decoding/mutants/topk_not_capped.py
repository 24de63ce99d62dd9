"""Asks torch.topk for beam_size - len(finished) candidates even when there are fewer K*V candidates.

Loses: beam_candidates
Hint: when beam_size - len(finished) is more than the K*V candidates, keep them all: torch.topk
  needs k <= the number of elements, so take k = min(beam_size - len(finished), K*V).
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()
    top_logprobs, flat_index = candidates.flatten().topk(count)
    return list(zip(top_logprobs.tolist(), (flat_index // vocab_size).tolist(), (flat_index % vocab_size).tolist()))
