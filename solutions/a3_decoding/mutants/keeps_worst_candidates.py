"""Keeps the candidates with the LOWEST logprob (topk with largest=False, an ascending sort).

Loses: beam_candidates
Hint: keep the HIGHEST logprobs: torch.topk returns the largest by default;
  largest=False or an ascending sort keeps the worst candidates.
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()
    count = min(count, candidates.numel())
    top_logprobs, flat_index = candidates.flatten().topk(count, largest=False)
    return list(zip(top_logprobs.tolist(), (flat_index // vocab_size).tolist(), (flat_index % vocab_size).tolist()))
