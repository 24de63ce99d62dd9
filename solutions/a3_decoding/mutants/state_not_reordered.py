"""Expands the state to K rows but never reorders it to follow the parents.

Loses: beam_state
Hint: after choosing the survivors, rebuild the state with
  state.index_select(0, parents): row i must be the row of the i-th survivor's parent.
"""


def reorder_state(state, index):
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        if state.size(0) == 1:  # the first step: copy the single row for every hypothesis
            return state.expand(len(index), *state.shape[1:]).clone()
        return state[:len(index)]  # keep the rows where they are
    return tuple(reorder_state(part, index) for part in state)
