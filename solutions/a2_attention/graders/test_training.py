"""Graders: the whole ``AttnSeq2Seq``, trained on the dates task for a fixed CPU budget.

The training loop runs in the student process (the model cannot leave it), in the support
module ``support/trainer.py``: Adam with teacher forcing on the 20000 training pairs of
``datasets/dates``, for at most ``CPU_SECONDS`` of CPU time, stopping early once the
training loss is tiny. What it reports is a claim and only decorates the feedback.

The verdict: after training, held-out dates are generated HERE from the secret-seeded
``rng`` (``datasets/dates/generate.py``'s ``sample_pairs``, excluding every training date)
and only their sources are sent to the student process; the model greedy-decodes them with
``encode`` / ``decode_step`` and the exact-match rate is computed here against targets the
student process never saw.

Calibration: held-out exact match on 300 sample_pairs dates (seeds 10-19), emb 32, hidden
64, one thread, Adam as in support/trainer.py, stopping at a smoothed loss of 0.01 or after
20 s of CPU time (the graders allow 25 s):

    model                                         steps      CPU s     exact match
    reference (Luong general, packed GRU)         737-1051   11.5-16.4  0.977-0.993
    bidirectional encoder + bridge + input feed   595-794    16.1-20.0  0.963-1.000
    Bahdanau-style (query h_{t-1}), no packing    602-963    12.6-20.0  0.957-1.000
    reference, concat / dot (seeds 0-9, *)        862-1496   14.8-20.0  0.989-1.000
    reference without the context vector          1656       20         0.04
    reference with the mask inverted              crashes (NaN loss at step 0)
    reference with a per-sentence loop in attend  ~240       20         0.01-0.09

(*) on datasets/dates/valid.tsv, stopping at a loss of 0.004 instead of 0.01.

THRESHOLD = 0.8 leaves room for correct models up to ~3x slower per step than the
reference. A model that ignores the mask still learns this task (padding always sits at
the end of the source): the padding concept catches it, not this one.
"""

import math

from autograder import datasets

CPU_SECONDS = 25.0
WALL_SECONDS = 60.0          # a guard on a loaded machine; the concept's timeout is 80 s
EMB, HIDDEN = 32, 64
HELD_OUT = 300
THRESHOLD = 0.80
SHOWN_ERRORS = 4
MAX_ATTENTION_ROWS = 20      # the decoding helper stops after 12 steps; a longer answer is cut


def _iso(tokens):
    text = "".join(str(t) for t in tokens[:40])
    return text if len(tokens) <= 40 else text + "..."


def _attention_record(example, source_tokens):
    """The attention matrix as plain JSON data (rows of floats, one per output token), or None."""
    if not isinstance(example, dict):
        return None
    rows = example.get("weights")
    output = example.get("output")
    if not isinstance(rows, list) or not isinstance(output, list):
        return None
    clean = []
    for row in rows[:MAX_ATTENTION_ROWS]:
        if not isinstance(row, list) or len(row) != len(source_tokens):
            return None
        clean.append([round(float(x), 4) if isinstance(x, (int, float)) and math.isfinite(x) else None for x in row])
    return {"source": list(source_tokens), "output": [str(t) for t in output][:len(clean)], "weights": clean}


def _claims(stats):
    """The training loop's report, reduced to a few numbers (it comes from the student process)."""
    if not isinstance(stats, dict):
        return {}
    claims = {}
    for key in ("steps", "cpu_seconds", "wall_seconds", "loss"):
        value = stats.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            claims[key] = value
    history = stats.get("history")
    if isinstance(history, list):
        claims["loss_every_50_steps"] = [round(float(x), 4) for x in history[:400]
                                         if isinstance(x, (int, float)) and math.isfinite(x)]
    return claims


def test_training_learns_dates(att, util, rng, student, record):
    """AttnSeq2Seq: trained on the dates task within a CPU budget, it translates held-out dates"""
    trainer = util.trainer(student)
    train_pairs = datasets.dates("train")
    task = trainer.Task(train_pairs)
    sizes = task.sizes()
    seed = rng.randrange(2**31)
    student.module("torch").manual_seed(seed)
    constructor = (f"AttnSeq2Seq(src_vocab={sizes['src_vocab']}, tgt_vocab={sizes['tgt_vocab']}, emb_dim={EMB}, "
                   f"hidden_dim={HIDDEN}, score='general')")
    model = att.AttnSeq2Seq(sizes["src_vocab"], sizes["tgt_vocab"], EMB, HIDDEN, score="general")
    claims = _claims(task.train(model, seed=seed, cpu_seconds=CPU_SECONDS, wall_seconds=WALL_SECONDS))

    # Held-out dates: generated here, after training, from the secret seed.
    excluded = frozenset(target for _, target in train_pairs)
    held_out = util.dates().sample_pairs(rng.getrandbits(64), HELD_OUT, excluded)
    sources = [source for source, _ in held_out]
    predictions = task.translate(model, sources)
    assert isinstance(predictions, list) and len(predictions) == HELD_OUT, (
        f"greedy decoding with encode / decode_step returned {util.kind(predictions)} for {HELD_OUT} sentences")

    exact, chars, total_chars, errors = 0, 0, 0, []
    for (source, target), predicted in zip(held_out, predictions):
        want = target.split()
        got = [str(t) for t in predicted] if isinstance(predicted, list) else []
        if got == want:
            exact += 1
        else:
            errors.append(f"'{source}' -> '{_iso(got)}' (expected {_iso(want)})")
        chars += sum(g == w for g, w in zip(got, want))
        total_chars += len(want)
    rate = exact / HELD_OUT

    # Feedback data: the attention matrix of one held-out example (a report can draw it).
    example_source = next((s for s in sources if len(s.split()) >= 6), sources[0])
    example = task.attention_map(model, example_source)
    attention = _attention_record(example, example_source.split())
    if attention is not None:
        record("attention", attention)
    record("training", {"exact_match": round(rate, 4), "char_accuracy": round(chars / total_chars, 4),
                        "held_out": HELD_OUT, "threshold": THRESHOLD,
                        "reported_by_the_training_loop": claims})

    claimed = ""
    if {"steps", "cpu_seconds", "loss"} <= set(claims):
        claimed = (f" ({claims['steps']} steps of 64 sentences in {claims['cpu_seconds']} s of CPU time, final "
                   f"training loss {claims['loss']})")
    hint = ("a low training loss with wrong translations points at decode_step differing from forward (the "
            "state, the mask, the previous token); a training loss that stays high points at the attention: is "
            "the context vector used to predict each token, is the mask the right way round?")
    assert rate >= THRESHOLD, (
        f"{constructor} was trained on the dates task{claimed} and then greedy-decoded {HELD_OUT} held-out "
        f"dates it had never seen: {exact} were exactly right ({rate:.1%}, character accuracy "
        f"{chars / total_chars:.1%}); a correct model with attention reaches at least {THRESHOLD:.0%} in this "
        f"budget. Some errors: {'; '.join(errors[:SHOWN_ERRORS])}. Hint: {hint}")
