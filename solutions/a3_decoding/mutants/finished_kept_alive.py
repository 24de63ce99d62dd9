"""Keeps hypotheses that produced <eos> in the beam and goes on extending them until max_len.

Loses: finishing
Hint: a kept candidate that ends with <eos> is finished: move it out of the beam
  and never extend it again.
"""


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=1.0):
    _check_positive("beam_size", beam_size)
    _check_positive("max_len", max_len)
    live = [Hypothesis([], 0.0, 0.0)]
    last_tokens = torch.tensor([sos_id])
    for _ in range(max_len):
        log_probs, state = step(last_tokens, state)
        hyp_logprobs = torch.tensor([h.logprob for h in live], dtype=torch.float64)
        new_live, parents = [], []
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, beam_size):
            tokens = live[parent].tokens + [token]
            new_live.append(Hypothesis(tokens, logprob, length_normalised(logprob, len(tokens), alpha)))
            parents.append(parent)
        live = new_live
        state = reorder_state(state, torch.tensor(parents))
        last_tokens = torch.tensor([h.tokens[-1] for h in live])
    return final_ranking([], live)
