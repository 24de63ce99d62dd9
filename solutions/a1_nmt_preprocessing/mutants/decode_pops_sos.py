"""decode removes the leading <sos> with ids.pop(0), which changes the caller's list.

Loses: decode
Hint: ids.pop(0) removes the <sos> from the caller's list: slice instead (ids[1:] is a new list).
"""


def decode(ids, vocab):
    if len(ids) and ids[0] == SOS_ID:
        ids.pop(0)
    kept = []
    for index in ids:
        if index == EOS_ID:
            break
        if index != PAD_ID:
            kept.append(int(index))
    return vocab.lookup_tokens(kept)
