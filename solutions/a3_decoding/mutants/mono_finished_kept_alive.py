"""A beam search written in one function that records hypotheses ending with <eos> as finished but leaves them in the live beam.

Loses: finishing
Hint: a hypothesis that produced <eos> must leave the live beam when it is recorded as
  finished: keep only the candidates that did not end with <eos> live (and their
  parents' state rows), so nothing is ever appended after <eos>.
"""

import torch


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=1.0):
    if beam_size < 1:
        raise ValueError(f"beam_size must be positive (got {beam_size})")
    if max_len < 1:
        raise ValueError(f"max_len must be positive (got {max_len})")

    def pick(part, rows):  # rows `rows` (dim 0) of every tensor of a (nested) state
        if part is None:
            return None
        if isinstance(part, torch.Tensor):
            return part[rows]
        return type(part)(pick(p, rows) for p in part)

    sequences = torch.zeros(1, 0, dtype=torch.long)  # [K, t]
    totals = torch.zeros(1, dtype=torch.float64)      # [K]
    finished = []
    for length in range(1, max_len + 1):
        last = sequences[:, -1] if length > 1 else torch.full((1,), sos_id, dtype=torch.long)
        log_probs, state = step(last, state)
        vocab = log_probs.shape[-1]
        flat = (totals.unsqueeze(1) + log_probs.to(torch.float64)).reshape(-1)
        ranked_values, ranked_index = torch.sort(flat, descending=True)
        room = min(beam_size - len(finished), flat.numel())
        values, index = ranked_values[:room], ranked_index[:room]
        parents = torch.div(index, vocab, rounding_mode="floor")
        tokens = index - parents * vocab
        grown = torch.cat([sequences[parents], tokens.unsqueeze(1)], dim=1)
        ended = tokens == eos_id
        finished.extend(zip(grown[ended].tolist(), values[ended].tolist()))
        going = ~ended
        sequences, totals = grown, values  # the finished ones stay live too
        if len(finished) >= beam_size or sequences.shape[0] == 0:
            break
        state = pick(state, parents)
    results = finished + list(zip(sequences.tolist(), totals.tolist()))
    hypotheses = [Hypothesis(list(tokens), float(logprob), float(logprob) / len(tokens) ** alpha)
                  for tokens, logprob in results]
    return sorted(hypotheses, key=lambda h: h.score, reverse=True)
