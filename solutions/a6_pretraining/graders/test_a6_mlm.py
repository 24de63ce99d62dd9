"""Graders: ``mask_tokens`` (BERT's masked-LM corruption), checked statistically.

Inputs: rows of [CLS] words [SEP] words [SEP] padding; [CLS], [SEP] and padding are marked
in special_tokens_mask. Word ids are drawn from [500, 999) and [MASK] is 999, so every
outcome of a selected position ([MASK], kept, another id) can be read off the output.

Each concept is read from what that rule alone decides, so one mistake costs one concept:

- selection, from the corrupted ids (not the labels): a selected token changes unless it
  is kept, so the share of tokens that change is mlm_probability times the share that
  change when every position is selected (``mlm_probability=1.0``), whatever the 80/10/10
  split of the student's code;
- labels, against the changes the student's own code made;
- the 80/10/10 split, at ``mlm_probability=1.0`` over the positions that carry a label (the
  selected ones), whatever the selection rate of the student's code.

Every rate check accepts a range that a correct solution leaves with probability below
1e-6 (``expect_rate``; each docstring says how).

The 0.15 selection test also records, for the report's picture, the rates of the
student's corruption beside the ranges a correct one falls in (``mlm_rates``): its own
selection rate, and the 80/10/10 split of its mlm_probability=1.0 batch, read as the
replacement tests read theirs. Recording makes no call and decides nothing.
"""

from __future__ import annotations

import torch

from autograder.toolkit import acceptance, expect_rate, fail

LENGTH = 512
FUNCTION = "mask_tokens"


def _changed_words(ids, special, out, labels):
    """(non-special positions that changed, non-special positions)."""
    return int(((out != ids) & ~special).sum()), int((~special).sum())


def _calibration_note(call, changed, total):
    return (f"with mlm_probability=1.0 (every non-special position selected) your mask_tokens changed {changed} "
            f"of {total} non-special tokens ({changed / total:.2%}), on another batch of the same shape with "
            f"generator={call.kwargs['generator']!r}")


def _calibrate(a6, pre, student, rng, ids, special):
    """The share of non-special tokens that change when every one is selected
    (``mlm_probability=1.0``): the call, the share, its count (changed, positions) and what
    mask_tokens returned (corrupted, labels)."""
    call, out, labels = a6.run_mask(pre, student, ids, special, 1.0, a6.seed_from(rng))
    changed, total = _changed_words(ids, special, out, labels)
    if changed < total // 100:
        raise fail("with mlm_probability=1.0 every non-special position is selected, and a selected token "
                   "changes ([MASK] or a random id) unless it is one of the 10% kept", call,
                   observed=f"{changed} of the {total} non-special tokens changed",
                   expected="about 90% of them changed")
    return call, changed / total, (changed, total), (out, labels)


def _selection_rate(a6, pre, student, rng, mistakes, p, rows, false_failure, record=None):
    ids1, special1 = a6.mlm_batch(rng, rows, LENGTH)
    call1, share1, (changed1, total1), (out1, labels1) = _calibrate(a6, pre, student, rng, ids1, special1)
    ids, special = a6.mlm_batch(rng, rows, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, p, a6.seed_from(rng))
    changed, total = _changed_words(ids, special, out, labels)
    if record is not None:
        _keep(record, "mlm_rates", lambda: {"rates": [
            _selection_picture(p, share1, changed, total, false_failure),
            *_split_picture(a6, ids1, special1, out1, labels1)]})

    def rate_of(module):
        # the module's own selection rate (its share changed at p over its share at 1.0),
        # with the student's share of changes
        return share1 * (a6.local_rate(module, ids, special, p, _changed_words)
                         / a6.local_rate(module, ids1, special1, 1.0, _changed_words))

    expect_rate(changed, total, p * share1, what="a non-special token changed", call=str(call),
                rule=f"each non-special position is selected independently with probability mlm_probability="
                     f"{p}; a selected token changes unless it is kept, so the share of non-special tokens that "
                     f"change is {p} times the share that changes when every position is selected "
                     f"(mlm_probability=1.0)",
                false_failure=false_failure, mistakes=mistakes, function=FUNCTION,
                rate_of=rate_of,
                notes=[_calibration_note(call1, changed1, total1)])


def test_mlm_selection_rate(pre, a6, rng, student, mistakes, record):
    """MLM selection: each non-special position is selected with probability mlm_probability (0.15)

    Read from the tokens that change, calibrated by the share that changes at
    mlm_probability=1.0 (so the 80/10/10 split does not matter here). The interval is drawn
    at 5e-7 around 0.15 x that share; with the share's own spread (measured on as many
    positions) a correct solution fails with probability about 6e-7 (summed exactly over
    the share's binomial distribution), below 1e-6.
    """
    _selection_rate(a6, pre, student, rng, mistakes, 0.15, 400, 5e-7, record)


def test_mlm_selection_other_probability(pre, a6, rng, student, mistakes):
    """MLM selection: mlm_probability=0.3 selects each non-special position with probability 0.3

    As the 0.15 check; the interval is drawn at 3e-7, and with the calibration's spread a
    correct solution fails with probability about 5e-7 (computed exactly), below 1e-6.
    """
    _selection_rate(a6, pre, student, rng, mistakes, 0.3, 200, 3e-7)


def test_mlm_selection_independent(pre, a6, rng, student, mistakes):
    """MLM selection: every position gets its own coin (no fixed number selected per row)

    In rows of exactly 20 non-special tokens, independent selection leaves a row with no
    changed token with probability (1 - 0.15 q)^20 (about 5.5%), q being the share that
    changes at mlm_probability=1.0; a quota of round(0.15 x 20) = 3 per row almost never
    does. The interval is drawn at 5e-7; with q's spread a correct solution fails with
    probability about 4e-7 (computed exactly), below 1e-6.
    """
    words, length, rows = 20, 32, 2000
    ids1, special1 = a6.fixed_rows(rng, rows, words, length)
    call1, share1, (changed1, total1), _ = _calibrate(a6, pre, student, rng, ids1, special1)
    ids, special = a6.fixed_rows(rng, rows, words, length)
    call, out, labels = a6.run_mask(pre, student, ids, special, None, a6.seed_from(rng))

    def quiet_rows(ids, special, out, labels):
        return int((((out != ids) & ~special).sum(dim=1) == 0).sum()), ids.size(0)

    count, _ = quiet_rows(ids, special, out, labels)
    expect_rate(count, rows, (1 - 0.15 * share1) ** words, what=f"a row of {words} tokens had none changed",
                call=str(call), false_failure=5e-7,
                rule="each non-special position is selected by its own independent coin (probability 0.15), "
                     "so the number selected varies from row to row: a row of 20 tokens has none changed with "
                     "probability (1 - 0.15 q)^20, q the share that changes when every position is selected",
                mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, None, quiet_rows),
                notes=[_calibration_note(call1, changed1, total1)])


def test_mlm_selection_specials(pre, a6, rng, student, mistakes):
    """MLM selection: [CLS], [SEP] and padding are never selected (they keep their id)

    A correct solution never changes a special position (it fails with probability 0).
    """
    ids, special = a6.mlm_batch(rng, 400, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, None, a6.seed_from(rng))

    def changed_specials(ids, special, out, labels):
        return int(((out != ids) & special).sum()), int(special.sum())

    count, total = changed_specials(ids, special, out, labels)
    expect_rate(count, total, 0.0, what="a special position ([CLS], [SEP], padding) changed", call=str(call),
                rule="special positions (special_tokens_mask True) get selection probability 0: they keep "
                     "their id", mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, None, changed_specials))


# ---- labels ------------------------------------------------------------------------------

def _labelled_with_id(pad_id):
    """The statistic (positions labelled with their own id that changed, such positions).
    [CLS] and [SEP] count too: they are never selected, so they must not carry a label
    either. Padding is left out: its id is 0, and a label 0 there is another mistake."""
    def statistic(ids, special, out, labels):
        own = (labels == ids) & (ids != pad_id)
        return int((own & (out != ids)).sum()), int(own.sum())
    return statistic


def test_mlm_labels_unselected(pre, a6, rng, student, mistakes):
    """MLM labels: only the selected positions are labelled; every other position gets -100

    Of the positions labelled with their id (the selected ones; [CLS] and [SEP] count too,
    they must not be labelled), the share that changed must be the share of selected
    tokens that change, measured at mlm_probability=1.0 (all selected). The interval is
    drawn at 1e-7; with the spread of that share (measured on about 7 times as many
    positions) a correct solution fails with probability about 7e-7 (computed exactly),
    below 1e-6.
    """
    ids1, special1 = a6.mlm_batch(rng, 400, LENGTH)
    call1, out1, labels1 = a6.run_mask(pre, student, ids1, special1, 1.0, a6.seed_from(rng))
    labelled_with_id = _labelled_with_id(a6.PAD_ID)
    changed1, labelled1 = labelled_with_id(ids1, special1, out1, labels1)
    ids, special = a6.mlm_batch(rng, 400, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, None, a6.seed_from(rng))
    changed, labelled = labelled_with_id(ids, special, out, labels)
    for c, the_call, what in ((labelled1, call1, "with mlm_probability=1.0 every non-special position"),
                              (labelled, call, "about 15% of the non-special positions")):
        if c == 0:
            raise fail("labels hold the original id at the selected positions", the_call,
                       observed="no position labelled with its original id",
                       expected=f"{what} labelled with its id")
    share1 = changed1 / labelled1
    expect_rate(changed, labelled, share1, what="a position labelled with its id had changed", call=str(call),
                false_failure=1e-7,
                rule="labels mark exactly the selected positions (-100 everywhere else, [CLS] and [SEP] "
                     "included), so the labelled positions change ([MASK] or a random id) as often as selected ones "
                     "do",
                mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, None, labelled_with_id),
                notes=[(f"with mlm_probability=1.0 (every non-special position selected) {changed1} of the "
                        f"{labelled1} positions your mask_tokens labelled with their id changed ({share1:.2%}), "
                        f"on another batch of the same shape with generator={call1.kwargs['generator']!r}")])


def test_mlm_labels_original_or_ignored(pre, a6, rng, student, mistakes):
    """MLM labels: every label is either -100 or the original id of its position

    A correct solution never breaks this (it fails with probability 0).
    """
    ids, special = a6.mlm_batch(rng, 200, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, None, a6.seed_from(rng))

    def other_labels(ids, special, out, labels):
        return int(((labels != -100) & (labels != ids)).sum()), ids.numel()

    count, total = other_labels(ids, special, out, labels)
    expect_rate(count, total, 0.0, what="a label was neither -100 nor the original id", call=str(call),
                rule="labels hold the ORIGINAL id (from input_ids, before any replacement) at selected "
                     "positions and -100 everywhere else", mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, None, other_labels))


def test_mlm_labels_changed_positions(pre, a6, rng, student, mistakes):
    """MLM labels: every position that was changed is labelled with its original id

    A correct solution never breaks this (it fails with probability 0).
    """
    ids, special = a6.mlm_batch(rng, 200, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, None, a6.seed_from(rng))

    def unlabelled_changes(ids, special, out, labels):
        changed = out != ids
        return int((changed & (labels != ids)).sum()), int(changed.sum())

    count, total = unlabelled_changes(ids, special, out, labels)
    expect_rate(count, total, 0.0, what="a changed position was not labelled with its original id",
                call=str(call),
                rule="a position is changed only when it is selected, and every selected position is "
                     "labelled with its original id", mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, None, unlabelled_changes))


# ---- replacement: 80 / 10 / 10 at mlm_probability=1.0 ---------------------------------

def _outcomes(a6):
    """What became of a selected position (from the ids and the corrupted ids), each with its
    rate in a correct solution: a random id may be [MASK] or the original id."""
    return {"mask": (lambda ids, out: out == a6.MASK_ID, 0.8 + 0.1 / a6.VOCAB),
            "random": (lambda ids, out: (out != a6.MASK_ID) & (out != ids), 0.1 * (1 - 2 / a6.VOCAB)),
            "kept": (lambda ids, out: out == ids, 0.1 + 0.1 / a6.VOCAB)}


def _replacement(a6, pre, student, rng, mistakes, outcome, p, what, rule):
    """Among the non-special positions that carry a label (the selected ones) with
    mlm_probability=1.0, the share with ``outcome(ids, out)`` must be ``p``."""
    ids, special = a6.mlm_batch(rng, 200, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, 1.0, a6.seed_from(rng))

    def share(ids, special, out, labels):
        selected = (labels != -100) & ~special
        return int((outcome(ids, out) & selected).sum()), int(selected.sum())

    count, total = share(ids, special, out, labels)
    if total < 1000:
        raise fail("with mlm_probability=1.0 every non-special position is selected and labelled; the split "
                   "is measured on the selected positions", call,
                   observed=f"{total} of the {int((~special).sum())} non-special positions carry a label",
                   expected="all of them")
    expect_rate(count, total, p, what=what, call=str(call), rule=rule, mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, 1.0, share),
                notes=[("mlm_probability=1.0 selects every non-special position; the selected ones are those "
                       "with a label other than -100")])


def test_mlm_replacement_mask(pre, a6, rng, student, mistakes):
    """MLM replacement: 80% of the selected positions become [MASK]

    Expected rate 0.8 + 0.1/1000 (a random id may be [MASK]); a correct solution fails with
    probability below 1e-6.
    """
    _replacement(a6, pre, student, rng, mistakes, *_outcomes(a6)["mask"], "a selected position became [MASK]",
                 "of the selected positions, 80% become mask_token_id (10% a random id, 10% unchanged)")


def test_mlm_replacement_random(pre, a6, rng, student, mistakes):
    """MLM replacement: 10% of the selected positions become a random id

    Counted: a selected position that became neither [MASK] nor its own id; expected rate
    0.1 x (1 - 2/1000). A correct solution fails with probability below 1e-6.
    """
    _replacement(a6, pre, student, rng, mistakes, *_outcomes(a6)["random"], "a selected position became another id",
                 "of the selected positions, 10% get a random id: [MASK] with probability 0.8, and of the "
                 "REST a random id with probability 0.5 (10% overall, not 0.1 of the rest)")


def test_mlm_replacement_kept(pre, a6, rng, student, mistakes):
    """MLM replacement: 10% of the selected positions keep their token

    Expected rate 0.1 + 0.1/1000 (a random id may be the original); a correct solution
    fails with probability below 1e-6.
    """
    _replacement(a6, pre, student, rng, mistakes, *_outcomes(a6)["kept"], "a selected position kept its token",
                 "of the selected positions, 10% keep their token (80% [MASK], 10% a random id)")


def test_mlm_replacement_uniform(pre, a6, rng, student, mistakes):
    """MLM replacement: the random ids are drawn uniformly from [0, vocab_size)

    Words are ids 500..998, so a uniform id that is neither [MASK] nor the original is below
    500 with probability 500/998; a correct solution fails with probability below 1e-6.
    """
    ids, special = a6.mlm_batch(rng, 200, LENGTH)
    call, out, labels = a6.run_mask(pre, student, ids, special, 1.0, a6.seed_from(rng))

    def low_ids(ids, special, out, labels):
        replaced = (labels != -100) & ~special & (out != a6.MASK_ID) & (out != ids)
        return int((replaced & (out < a6.LOW)).sum()), int(replaced.sum())

    count, total = low_ids(ids, special, out, labels)
    expect_rate(count, total, a6.LOW / (a6.VOCAB - 2), what=f"a random replacement id was below {a6.LOW}",
                call=str(call),
                rule=f"a random replacement is drawn uniformly from all of [0, vocab_size={a6.VOCAB}) "
                     f"(torch.randint(vocab_size, ...)), not from the tokens of the batch",
                mistakes=mistakes, function=FUNCTION,
                rate_of=a6.mask_rate_of(ids, special, 1.0, low_ids),
                notes=[f"the words of this batch are ids {a6.LOW}..{a6.MASK_ID - 1}; [MASK] is {a6.MASK_ID}"])


# ---- the generator argument --------------------------------------------------------------

def test_mlm_generator_seed(pre, a6, rng, student, mistakes):
    """MLM randomness: the same generator seed gives the same output, another seed another

    A correct solution gives equal outputs for equal seeds (probability 1) and different
    ones for different seeds (except with negligible probability).
    """
    ids, special = a6.mlm_batch(rng, 40, 64)
    seed = a6.seed_from(rng)
    runs = [a6.run_mask(pre, student, ids, special, None, s) for s in (seed, seed, seed + 1)]

    def differing(first, second):
        return int(((first[1] != second[1]) | (first[2] != second[2])).sum())

    def rate_of(module):
        one = module.mask_tokens(ids.clone(), special.clone(), mask_token_id=a6.MASK_ID, vocab_size=a6.VOCAB,
                                 generator=torch.Generator().manual_seed(5))
        two = module.mask_tokens(ids.clone(), special.clone(), mask_token_id=a6.MASK_ID, vocab_size=a6.VOCAB,
                                 generator=torch.Generator().manual_seed(5))
        return differing((None, *one), (None, *two)) / ids.numel()

    expect_rate(differing(runs[0], runs[1]), ids.numel(), 0.0,
                what="a position differed between two calls with the same seed", call=str(runs[0][0]),
                rule="every random number is drawn from the generator argument (torch.bernoulli(..., "
                     "generator=generator), torch.randint(..., generator=generator)), so the same seed gives "
                     "the same corruption", mistakes=mistakes, function=FUNCTION,
                rate_of=rate_of,
                notes=["the call was made twice, each time with a fresh generator seeded alike"])
    if differing(runs[0], runs[2]) == 0:
        raise fail("the corruption is random, drawn from the generator: another seed gives another corruption",
                   f"{runs[0][0]} and {runs[2][0]}", observed="the same output for both seeds",
                   expected="different outputs")


# ---- the report's picture: the rates of the student's corruption --------------------------------

def _keep(record, name, make):
    """``record(name, make())``, unless making it fails: a picture never decides a verdict."""
    try:
        record(name, make())
    except Exception:  # noqa: BLE001 - a picture is a decoration
        pass


def _rate(kind, count, n, target, low, high, scale=1.0):
    """A rate of ``count`` of ``n`` positions (divided by ``scale`` too) with its range [low, high] of counts."""
    per = n * scale
    return {"kind": kind, "observed": count / per, "low": low / per, "high": high / per, "target": target, "n": n}


def _selection_picture(p, share1, changed, total, false_failure):
    """The selection rate as the check reads it: the share of non-special tokens that changed
    over the share that changes when all are selected, with the check's range on the same scale."""
    low, high = acceptance(total, p * share1, false_failure)
    return _rate("selected", changed, total, p, low, high, scale=share1)


def _split_picture(a6, ids, special, out, labels):
    """The shares of the selected positions of a batch corrupted at mlm_probability=1.0 that
    became [MASK], a random id or stayed, each with the range the replacement checks accept."""
    selected = (labels != -100) & ~special
    n = int(selected.sum())
    if n == 0:
        return []
    rates = []
    for kind, (outcome, target) in _outcomes(a6).items():
        low, high = acceptance(n, target)
        rates.append(_rate(kind, int((outcome(ids, out) & selected).sum()), n, target, low, high))
    return rates
