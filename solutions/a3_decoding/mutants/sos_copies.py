"""Starts the beam with beam_size copies of <sos> (so the beam fills with duplicates).

Loses: beam_candidates
Hint: start from ONE hypothesis (<sos>, logprob 0, K = 1): beam_size copies of <sos>
  fill the beam with copies of the same extensions.
"""


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=1.0):
    _check_positive("beam_size", beam_size)
    _check_positive("max_len", max_len)
    live = [Hypothesis([], 0.0, 0.0) for _ in range(beam_size)]
    last_tokens = torch.full((beam_size,), sos_id, dtype=torch.long)
    state = reorder_state(state, torch.zeros(beam_size, dtype=torch.long))
    finished = []
    generated = 0
    while len(finished) < beam_size and generated < max_len:
        log_probs, state = step(last_tokens, state)
        generated += 1
        hyp_logprobs = torch.tensor([h.logprob for h in live], dtype=torch.float64)
        survivors, parents = [], []
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, beam_size - len(finished)):
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
    return final_ranking(finished, live)
