"""Graders: ``replaced_token_labels`` (ELECTRA's discriminator targets), against labels
computed here on plain lists.

Inputs are ids of random shapes: word ids in [5, 30) (a small vocabulary, so the generator
often samples the token that was already there), [PAD] = 0, [CLS] = 1, [SEP] = 2. The
corrupted ids replace a random share of the word positions with ids drawn from the same
small vocabulary; some of those draws give back the original token, and such a position
is labelled 0 (the label compares tokens, not which positions were sampled).

Each rule is read on its own, so one mistake costs one check (plus the checks that pay only
with the ordinary case):

- the 1 / 0 labels, on inputs without special tokens (a mistake at the specials cannot
  show there);
- where the labels are -100: exactly at the special tokens (whatever the 1 / 0 labels are);
- the dtype and shape; the arguments left unchanged (these two pay only when the ordinary
  case passes: ``torch.zeros_like(original)`` passes both).
"""

from __future__ import annotations

import torch

from autograder.toolkit import Call, describe, expect_equal, expect_unchanged, fail, sizes

FUNCTION = "replaced_token_labels"
PAD_ID, CLS_ID, SEP_ID = 0, 1, 2
LOW, HIGH = 5, 30
"""Word ids are drawn from [LOW, HIGH)."""

RULE_VALUES = ("the label compares the two tokens: 1 where corrupted differs from original, 0 where they are "
               "equal (also where the generator sampled the original token back)")
RULE_SPECIALS = ("the label is -100 exactly where special_tokens_mask is True ([CLS], [SEP], padding), and "
                 "nowhere else (other positions are 0 or 1)")
RULE_DTYPE = ("the labels are a torch.long tensor of the same shape as original and corrupted (labels are long "
              "everywhere in the course)")
RULE_UNCHANGED = ("replaced_token_labels returns a new tensor; original, corrupted and special_tokens_mask stay as "
                  "they were (writing labels into corrupted, or into a name bound to it, changes the caller's ids)")


# ---- oracle and display ---------------------------------------------------------------------

def oracle(original, corrupted, special):
    """The labels, computed on plain Python values."""
    flat = [-100 if s else int(o != c) for o, c, s in zip(original.reshape(-1).tolist(),
                                                           corrupted.reshape(-1).tolist(),
                                                           special.reshape(-1).tolist())]
    return torch.tensor(flat, dtype=torch.long).reshape(original.shape)


def text(tensor) -> str:
    """A tensor as a student would type it: torch.tensor([[...]])."""
    return f"torch.tensor({tensor.tolist()!r})"


def label_call(original, corrupted, special) -> Call:
    return Call(FUNCTION, original, corrupted, special).shown_as(
        f"{FUNCTION}({text(original)}, {text(corrupted)}, {text(special)})")


def labels_of(got, call, shape):
    """The student's answer as a tensor of ``shape``, or a failure saying what came back."""
    if not isinstance(got, torch.Tensor):
        raise fail("replaced_token_labels returns a tensor of labels", call, observed=describe(got),
                   expected=f"a tensor of shape {list(shape)}")
    if tuple(got.shape) != tuple(shape):
        raise fail("the labels have the same shape as original and corrupted: one label per token", call,
                   observed=describe(got), expected=f"a tensor of shape {list(shape)}")
    return got


# ---- inputs -----------------------------------------------------------------------------------

def corrupt(rng, gen, original, words):
    """A copy of ``original`` with a random share of the ``words`` positions (bool) resampled
    from [LOW, HIGH), one of them given back its own token: (corrupted, sampled-but-same
    positions)."""
    corrupted = original.clone()
    share = rng.uniform(0.3, 0.6)
    sampled = words & (torch.rand(original.shape, generator=gen) < share)
    positions = words.nonzero().tolist()
    rng.shuffle(positions)
    changed, same = positions[0], positions[1] if len(positions) > 1 else None
    sampled[tuple(changed)] = True
    draws = torch.randint(LOW, HIGH, original.shape, generator=gen)
    corrupted[sampled] = draws[sampled]
    if int(corrupted[tuple(changed)]) == int(original[tuple(changed)]):  # at least one replaced token
        corrupted[tuple(changed)] = LOW + (int(original[tuple(changed)]) - LOW + 1) % (HIGH - LOW)
    if same is not None:  # the generator sampled the original token back
        sampled[tuple(same)] = True
        corrupted[tuple(same)] = original[tuple(same)]
    kept = (sampled & (corrupted == original)).nonzero().tolist()
    return corrupted, kept


def words_only(rng, gen, shape):
    """(original, corrupted, special_tokens_mask all False, sampled-but-same positions)."""
    original = torch.randint(LOW, HIGH, shape, generator=gen)
    special = torch.zeros(shape, dtype=torch.bool)
    corrupted, kept = corrupt(rng, gen, original, ~special)
    return original, corrupted, special, kept


def electra_batch(rng, gen, rows, length):
    """Rows of [CLS] words [SEP] (words [SEP]) [PAD]...: (original, corrupted, specials)."""
    original = torch.randint(LOW, HIGH, (rows, length), generator=gen)
    special = torch.zeros(rows, length, dtype=torch.bool)
    for row in range(rows):
        used = rng.randint(max(3, length // 2), length)
        original[row, used:] = PAD_ID
        special[row, used:] = True
        original[row, 0], original[row, used - 1] = CLS_ID, SEP_ID
        special[row, 0] = special[row, used - 1] = True
        if used >= 5 and rng.random() < 0.5:  # a sentence pair: a [SEP] in the middle too
            middle = rng.randint(2, used - 3)
            original[row, middle] = SEP_ID
            special[row, middle] = True
    corrupted, _ = corrupt(rng, gen, original, ~special)
    return original, corrupted, special


def generator(rng):
    return torch.Generator().manual_seed(rng.randrange(2**31))


def shapes(rng):
    """A 1-D, 2-D and 3-D shape, growing."""
    return [(rng.randint(3, 6),), (rng.randint(2, 3), rng.randint(5, 8)), (2, rng.randint(2, 3), rng.randint(4, 6))]


# ---- tests ------------------------------------------------------------------------------------

def test_replaced_labels_compare_tokens(student, mistakes, rng):
    """Replaced-token labels: 1 where corrupted differs from original, 0 where equal (a resampled original too)"""
    efficient = student.module("efficient")
    gen = generator(rng)
    cases = [(torch.tensor([7, 8, 9, 10]), torch.tensor([7, 5, 9, 10]), torch.zeros(4, dtype=torch.bool), [])]
    cases += [words_only(rng, gen, shape) for shape in shapes(rng)]
    for original, corrupted, special, kept in cases:
        call = label_call(original, corrupted, special)
        got = labels_of(call.run(efficient), call, original.shape)
        notes = [(f"positions {kept} were sampled by the generator, which drew the original token back: "
                  "corrupted equals original there, so their label is 0")] if kept else []
        expect_equal(got, oracle(original, corrupted, special), call, rule=RULE_VALUES, mistakes=mistakes,
                     notes=notes)


def test_replaced_labels_specials(student, mistakes, rng):
    """Replaced-token labels: -100 exactly at the special tokens ([CLS], [SEP], padding)"""
    efficient = student.module("efficient")
    gen = generator(rng)
    cases = [(torch.tensor([[CLS_ID, 7, 8, 9, SEP_ID]]), torch.tensor([[CLS_ID, 7, 5, 9, SEP_ID]]),
              torch.tensor([[True, False, False, False, True]]))]
    cases += [electra_batch(rng, gen, rows, length) for rows, length in zip(sizes(3, 4), (6, 8, 12))]

    def ignored(labels):
        return torch.as_tensor(labels) == -100

    def same(a, b):
        try:
            return bool(torch.equal(ignored(a), ignored(b)))
        except (TypeError, RuntimeError, ValueError):
            return False

    for original, corrupted, special in cases:
        call = label_call(original, corrupted, special)
        got = labels_of(call.run(efficient), call, original.shape)
        if not torch.equal(ignored(got), special):
            wrong = (ignored(got) != special).nonzero().tolist()
            first = tuple(wrong[0])
            note = (f"at position {list(first)} special_tokens_mask is {bool(special[first])} and your label is "
                    f"{describe(got[first].item())}")
            expect_equal(got, oracle(original, corrupted, special), call, rule=RULE_SPECIALS, mistakes=mistakes,
                         same=same, notes=[note])


def test_replaced_labels_dtype_shape(student, mistakes, rng):
    """Replaced-token labels: a torch.long tensor of the inputs' shape"""
    efficient = student.module("efficient")
    gen = generator(rng)
    for shape in shapes(rng):
        original, corrupted, special, _ = words_only(rng, gen, shape)
        call = label_call(original, corrupted, special)
        got = labels_of(call.run(efficient), call, original.shape)

        def kind(labels):
            return str(labels.dtype).replace("torch.", ""), list(labels.shape)

        expect_equal(kind(got), ("int64", list(shape)), call, rule=RULE_DTYPE, mistakes=mistakes, normalize=kind,
                     show=lambda value: f"dtype {value[0]}, shape {value[1]}")


def test_replaced_labels_arguments_unchanged(student, mistakes, rng):
    """Replaced-token labels: original, corrupted and special_tokens_mask are left as they were"""
    efficient = student.module("efficient")
    original, corrupted, special = electra_batch(rng, generator(rng), 3, 8)
    expect_unchanged(student, efficient, label_call(original, corrupted, special), rule=RULE_UNCHANGED,
                     mistakes=mistakes)
