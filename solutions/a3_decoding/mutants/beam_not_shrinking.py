"""Moves finished hypotheses out but keeps beam_size live ones (the beam does not shrink).

Loses: finishing
Hint: a finished hypothesis keeps its place: keep only beam_size - len(finished)
  candidates at each step, so the live beam shrinks by one for every finished hypothesis.
"""


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=1.0):
    _check_positive("beam_size", beam_size)
    _check_positive("max_len", max_len)
    live = [Hypothesis([], 0.0, 0.0)]
    last_tokens = torch.tensor([sos_id])
    finished = []
    generated = 0
    while len(finished) < beam_size and generated < max_len:
        log_probs, state = step(last_tokens, state)
        generated += 1
        hyp_logprobs = torch.tensor([h.logprob for h in live], dtype=torch.float64)
        survivors, parents = [], []
        # the live beam is refilled to beam_size whatever has finished
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, beam_size):
            tokens = live[parent].tokens + [token]
            hypothesis = Hypothesis(tokens, logprob, length_normalised(logprob, len(tokens), alpha))
            if token == eos_id:
                finished.append(hypothesis)
            else:
                survivors.append(hypothesis)
                parents.append(parent)
        live = survivors
        if not live:
            break
        state = reorder_state(state, torch.tensor(parents))
        last_tokens = torch.tensor([h.tokens[-1] for h in live])
    return final_ranking(finished[:beam_size], live)
