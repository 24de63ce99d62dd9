"""Gives the first [SEP] segment id 1 (it belongs to sentence A: segment 0).

Loses: pair_input
Hint: the first [SEP] closes sentence A, so it gets segment id 0 like [CLS] and the
  tokens of a; segment 1 starts with the first token of b.
"""

_reference_build_pair_input = build_pair_input


def build_pair_input(tokens_a, tokens_b, max_len):
    tokens, segments = _reference_build_pair_input(tokens_a, tokens_b, max_len)
    first_sep = tokens.index("[SEP]")
    segments[first_sep] = 1
    return tokens, segments
