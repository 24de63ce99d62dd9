"""Leaves <eos> out of the length that divides the logprob of a finished hypothesis.

Loses: length_norm
Hint: len(tokens) counts every generated token, <eos> included: [a, <eos>] has
  length 2.
"""


def beam_search(step, state, *, sos_id, eos_id, beam_size, max_len, alpha=1.0):
    _check_positive("beam_size", beam_size)
    _check_positive("max_len", max_len)
    live = [Hypothesis([], 0.0, 0.0)]
    last_tokens = torch.tensor([sos_id])
    finished = []
    for _ in range(max_len):
        if len(finished) >= beam_size:
            break
        log_probs, state = step(last_tokens, state)
        hyp_logprobs = torch.tensor([h.logprob for h in live], dtype=torch.float64)
        survivors, parents = [], []
        for logprob, parent, token in best_candidates(hyp_logprobs, log_probs, beam_size - len(finished)):
            tokens = live[parent].tokens + [token]
            words = [t for t in tokens if t != eos_id]  # "the real words"
            hypothesis = Hypothesis(tokens, logprob, logprob / len(words) ** alpha)
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
