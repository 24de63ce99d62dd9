"""Graders: ``mask_tokens`` (BERT's masked-LM corruption), checked statistically.

Every input has about 200 000 tokens: rows of [CLS] words [SEP] words [SEP] followed by
padding of random length; [CLS], [SEP] and padding are marked in special_tokens_mask.
Word ids are drawn from [500, 999) and [MASK] is 999, so every outcome of a selected
position (became [MASK] / kept / replaced by another id) can be read off the output.
"""

from __future__ import annotations

import math

import torch

VOCAB = 1000
MASK_ID = VOCAB - 1
LOW = 500                    # word ids are in [LOW, MASK_ID)
BATCH, LENGTH = 400, 512


def corrupt(pre, util, rng, batch=BATCH, length=LENGTH, **kwargs):
    ids, special = util.mlm_batch(rng, batch, length, LOW, MASK_ID)
    call = (f"mask_tokens(input_ids of shape ({batch}, {length}), special_tokens_mask, mask_token_id={MASK_ID}, "
            f"vocab_size={VOCAB}" + "".join(f", {k}={v}" for k, v in kwargs.items() if k != "generator") + ")")
    result = pre.mask_tokens(ids, special, mask_token_id=MASK_ID, vocab_size=VOCAB, **kwargs)
    out, labels = util.mlm_result(result, call, ids.shape)
    return ids, special, out, labels, call


def check_specials(ids, special, out, labels, call, what):
    bad = special & ((labels != -100) | (out != ids))
    if bad.any():
        b, t = (int(x) for x in bad.nonzero()[0])
        raise AssertionError(
            f"{call}: position ({b}, {t}) holds a special token (id {int(ids[b, t])}: [CLS], [SEP] or padding, "
            f"special_tokens_mask is True there) but came back as id {int(out[b, t])} with label "
            f"{int(labels[b, t])}; {what} ({int(bad.sum())} special positions were touched). Special positions "
            f"must keep their id and get label -100: give them selection probability 0")


def test_mlm_selection_rate_and_specials(pre, util, rng):
    """MLM selection: each non-special position is selected with probability 0.15; specials never"""
    ids, special, out, labels, call = corrupt(pre, util, rng)
    check_specials(ids, special, out, labels, call, "specials and padding must never be selected")
    selected = labels != -100
    n, k = int((~special).sum()), int(selected.sum())
    lo, hi = util.binomial_interval(n, 0.15)
    assert lo <= k <= hi, (
        f"{call}: {k} of the {n} non-special positions were selected (label != -100), a rate of {k / n:.4f}; "
        f"with probability 0.15 per position the count lies in [{lo}, {hi}] in all but one of ten million runs. "
        f"Select each non-special position independently with probability mlm_probability")
    check_dispersion(special, selected, 0.15, call)


def test_mlm_selection_other_probability(pre, util, rng):
    """MLM selection: mlm_probability=0.3 selects about 30% of the non-special positions"""
    ids, special, out, labels, call = corrupt(pre, util, rng, batch=200, mlm_probability=0.3)
    check_specials(ids, special, out, labels, call, "specials and padding must never be selected")
    selected = labels != -100
    n, k = int((~special).sum()), int(selected.sum())
    lo, hi = util.binomial_interval(n, 0.3)
    assert lo <= k <= hi, (
        f"{call}: {k} of the {n} non-special positions were selected, a rate of {k / n:.4f}; with "
        f"mlm_probability=0.3 the count lies in [{lo}, {hi}] in all but one of ten million runs. Use the "
        f"mlm_probability argument, not a fixed 0.15")
    check_dispersion(special, selected, 0.3, call)


def check_dispersion(special, selected, p, call):
    """Independent selection makes the per-row counts vary like Binomial(n_row, p)."""
    n_row = (~special).sum(dim=1).double()
    c_row = selected.sum(dim=1).double()
    stat = float((((c_row - n_row * p) ** 2) / (n_row * p * (1 - p))).sum())
    df = special.size(0)
    z = ((stat / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    assert abs(z) <= 5.5, (
        f"{call}: the number of selected positions per row varies {'far too little' if z < 0 else 'far too much'} "
        f"for independent selection (dispersion statistic {stat:.0f} over {df} rows, expected about {df}; "
        f"first rows: {c_row[:5].int().tolist()} selected of {n_row[:5].int().tolist()} non-special). Every "
        f"position must get its own independent coin (e.g. torch.bernoulli of a probability matrix), not an exact "
        f"quota of round(p * n) per row and not one decision shared by many positions")


def test_mlm_labels(pre, util, rng):
    """MLM labels: the original id at selected positions, -100 everywhere else"""
    ids, special, out, labels, call = corrupt(pre, util, rng, batch=100)
    check_specials(ids, special, out, labels, call, "labels must be -100 at specials")
    selected = labels != -100
    wrong = selected & (labels != ids)
    if wrong.any():
        b, t = (int(x) for x in wrong.nonzero()[0])
        raise AssertionError(
            f"{call}: labels[{b}, {t}] = {int(labels[b, t])}, but the original token there is {int(ids[b, t])} "
            f"(the output holds {int(out[b, t])}); the label of a selected position is the ORIGINAL id (take "
            f"labels from input_ids before replacing anything)")
    changed_unlabelled = ~selected & (out != ids)
    if changed_unlabelled.any():
        b, t = (int(x) for x in changed_unlabelled.nonzero()[0])
        raise AssertionError(
            f"{call}: position ({b}, {t}) was changed from {int(ids[b, t])} to {int(out[b, t])} but its label is "
            f"-100; only selected positions may change, and each of them is labelled with its original id")
    n, k = int((~special).sum()), int(selected.sum())
    lo, hi = util.binomial_interval(n, 0.15)
    assert k <= hi, (
        f"{call}: {k} of {n} non-special positions have a label other than -100 ({k / n:.3f}); only the ~15% "
        f"selected positions are labelled, every other position gets -100 (ignored by the loss)")


def test_mlm_replacement_80_10_10(pre, util, rng):
    """MLM replacement: of the selected positions 80% [MASK], 10% a random id, 10% unchanged"""
    ids, special, out, labels, call = corrupt(pre, util, rng)
    selected = labels != -100
    n = int(selected.sum())
    orig, got = ids[selected], out[selected]
    masked = int((got == MASK_ID).sum())
    kept = int((got == orig).sum())
    other_values = got[(got != MASK_ID) & (got != orig)]
    other = other_values.numel()
    # A random id equals [MASK] or the original with probability 1/V each.
    rates = {"[MASK]": (masked, 0.8 + 0.1 / VOCAB), "unchanged": (kept, 0.1 + 0.1 / VOCAB),
             "a random other id": (other, 0.1 - 0.2 / VOCAB)}
    summary = ", ".join(f"{name} {count} ({count / max(n, 1):.3f})" for name, (count, _) in rates.items())
    for name, (count, p) in rates.items():
        lo, hi = util.binomial_interval(n, p)
        assert lo <= count <= hi, (
            f"{call}: of the {n} selected positions, {summary}; expected 80% / 10% / 10%, and the count "
            f"'{name}' should lie in [{lo}, {hi}]. Hugging Face's recipe: [MASK] with probability 0.8; of the "
            f"REST, a random id with probability 0.5 (that is 10% overall, not p=0.1 of the rest = 2%); the "
            f"remaining 10% keep their token")
    out_of_range = other_values[(other_values < 0) | (other_values >= VOCAB)]
    assert out_of_range.numel() == 0, (
        f"{call}: a selected position became id {int(out_of_range[0])}, outside [0, vocab_size={VOCAB})")
    # Uniform over [0, V): given 'other' (not [MASK], not the original, both >= LOW),
    # P(id < LOW) = LOW / (V - 2).
    low = int((other_values < LOW).sum())
    lo, hi = util.binomial_interval(other, LOW / (VOCAB - 2))
    assert lo <= low <= hi, (
        f"{call}: of the {other} random replacement ids, {low} are below {LOW}; a uniform draw from "
        f"[0, vocab_size={VOCAB}) gives about half ({lo}..{hi}). Draw the random ids with "
        f"torch.randint(vocab_size, ...), not from the tokens of the batch")


def test_mlm_generator_determinism(pre, util, rng, student):
    """MLM randomness: the same generator seed gives the same output, another seed another"""
    torch_in_child = student.module("torch")
    ids, special = util.mlm_batch(rng, 40, 64, LOW, MASK_ID)
    seed = rng.randrange(2**31)
    results = []
    for s in (seed, seed, seed + 1):
        generator = torch_in_child.Generator().manual_seed(s)
        call = (f"mask_tokens(input_ids of shape (40, 64), special_tokens_mask, mask_token_id={MASK_ID}, "
                f"vocab_size={VOCAB}, generator=torch.Generator().manual_seed({s}))")
        result = pre.mask_tokens(ids, special, mask_token_id=MASK_ID, vocab_size=VOCAB, generator=generator)
        results.append(util.mlm_result(result, call, ids.shape))
    same = torch.equal(results[0][0], results[1][0]) and torch.equal(results[0][1], results[1][1])
    assert same, (
        f"mask_tokens gave different outputs for two generators seeded with {seed}: draw every random number "
        f"from `generator` (torch.bernoulli(..., generator=generator), torch.randint(..., generator=generator)), "
        f"not from the global torch RNG or Python's random module")
    differ = not torch.equal(results[0][1], results[2][1]) or not torch.equal(results[0][0], results[2][0])
    assert differ, (f"mask_tokens gave the same output for generators seeded with {seed} and {seed + 1}: the "
                    f"selection must be random, drawn from `generator`")
