"""Reorders the tensors at the top level of a tuple state but passes nested tuples on unchanged.

Loses: beam_state
Hint: reorder every tensor of the state, recursively through nested tuples (a
  function that calls itself on the parts of a tuple).
"""


def reorder_state(state, index):
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.index_select(0, index)
    return tuple(part.index_select(0, index) if isinstance(part, torch.Tensor) else part for part in state)
