"""sort_in_place sorts the caller's list.

Loses: copying
Hint: values.sort() changes the caller's list; sorted(values) makes a new one.
"""


def sort_in_place(values):
    values.sort()
    return values
