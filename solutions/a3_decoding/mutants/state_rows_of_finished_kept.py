"""Reorders the state with the parents of every kept candidate, the finished ones included.

Loses: beam_state
Hint: build the next state from the parents of the LIVE survivors only: a finished hypothesis
  leaves the beam, and its row of the state goes with it (K rows for K live hypotheses).
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
        survivors, kept_parents = [], []
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, beam_size - len(finished)):
            tokens = live[parent].tokens + [token]
            hypothesis = Hypothesis(tokens, logprob, length_normalised(logprob, len(tokens), alpha))
            kept_parents.append(parent)  # every kept candidate's parent, finished or not
            if token == eos_id:
                finished.append(hypothesis)
            else:
                survivors.append(hypothesis)
        live = survivors
        if not live:
            break
        state = reorder_state(state, torch.tensor(kept_parents))
        last_tokens = torch.tensor([h.tokens[-1] for h in live])
    return final_ranking(finished, live)
