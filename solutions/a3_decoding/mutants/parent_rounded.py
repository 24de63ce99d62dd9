"""Computes the parent index as round(index / V) instead of index // V.

Loses: beam_candidates
Hint: the parent of flat index j is j // V (integer division, rounding down): rounding j / V
  moves the tokens of the upper half of the vocabulary to the next row.
"""


def best_candidates(hyp_logprobs, log_probs, count):
    vocab_size = log_probs.size(1)
    candidates = hyp_logprobs.unsqueeze(1) + log_probs.double()
    count = min(count, candidates.numel())
    top_logprobs, flat_index = candidates.flatten().topk(count)
    parents = (flat_index / vocab_size).round().long()
    return list(zip(top_logprobs.tolist(), parents.tolist(), (flat_index % vocab_size).tolist()))
