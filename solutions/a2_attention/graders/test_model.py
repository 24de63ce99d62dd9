"""Graders: ``AttnSeq2Seq``'s interface, attention on padding, and gradients into the encoder.

The architecture beyond the contract's signatures is free, so these checks only use the
contract: ``forward``, ``encode``, ``decode_step`` and ``last_attention``.

Why the gradient check looks the way it does: graders cannot know which parameters form a
student's encoder. So the support module first asks the model itself: the parameters that
get a gradient from (a random linear function of) what ``encode`` returns are the ones
``encode`` uses. Then it back-propagates the ordinary training loss of ``forward`` and
reports every parameter's gradient norm. Gradients reach the encoder when that loss gives
the source embedding (the parameter used by ``encode`` with ``src_vocab`` rows) a non-zero
gradient; if no such table can be recognised, when it gives some parameter used by
``encode`` a non-zero gradient. This holds for any correct design (uni- or bidirectional
encoder, any score, bridges, input feeding) and fails for ``torch.no_grad()`` or
``.detach()`` between the encoder and the loss.
"""

import torch

SRC_VOCAB, TGT_VOCAB, EMB, HIDDEN = 41, 19, 12, 16
SCORES = ("dot", "general", "concat")


def build(att, student, score, seed):
    student.module("torch").manual_seed(seed)
    return att.AttnSeq2Seq(SRC_VOCAB, TGT_VOCAB, EMB, HIDDEN, score=score)


def constructor(score):
    return f"AttnSeq2Seq(src_vocab={SRC_VOCAB}, tgt_vocab={TGT_VOCAB}, emb_dim={EMB}, hidden_dim={HIDDEN}, score={score!r})"


# ---- the interface ---------------------------------------------------------------------

def test_model_forward_shapes(att, util, rng, student):
    """AttnSeq2Seq.forward: logits [B, T-1, tgt_vocab] for every score, with and without teacher forcing"""
    lengths = [5, 2, 7, 3]
    src, mask = util.padded_batch(rng, lengths, SRC_VOCAB)
    tgt = util.targets(rng, len(lengths), 6, TGT_VOCAB)
    for score in SCORES:
        model = build(att, student, score, rng.randrange(2**31))
        for ratio in (1.0, 0.0):
            call = (f"{constructor(score)}(src of shape {tuple(src.shape)}, src_mask, tgt of shape "
                    f"{tuple(tgt.shape)}, teacher_forcing_ratio={ratio})")
            util.tensor(model(src, mask, tgt, teacher_forcing_ratio=ratio), call, shape=(4, 5, TGT_VOCAB))


def test_model_decode_step_log_probs(att, util, rng, student):
    """AttnSeq2Seq.decode_step: log-probabilities [K, tgt_vocab] (each row's exp sums to 1)"""
    lengths = [4, 6, 1]
    src, mask = util.padded_batch(rng, lengths, SRC_VOCAB)
    for score in SCORES:
        model = build(att, student, score, rng.randrange(2**31))
        state = model.encode(src, mask)
        tokens = torch.full((3,), 2)
        for t in range(3):
            call = f"{constructor(score)}.decode_step(input_ids of shape (3,), state) at step {t}"
            result = model.decode_step(tokens, state)
            log_probs, state = util.pair(result, call, names=("log_probs", "state"))
            log_probs = util.tensor(log_probs, f"the log_probs of {call}", shape=(3, TGT_VOCAB))
            totals = torch.logsumexp(log_probs.double(), dim=-1)
            assert bool(((totals).abs() < 1e-4).all()), (
                f"{call} returned rows whose probabilities exp(log_probs) sum to {util.show(totals.exp())}; "
                f"decode_step returns log-probabilities (log_softmax of the logits), which A3's beam search adds up")
            tokens = log_probs.argmax(dim=-1)


def _state_tensors(state, where="state"):
    """[(where, tensor)] for a state that is a tensor, None or a (nested) tuple of them."""
    if state is None:
        return []
    if isinstance(state, torch.Tensor):
        return [(where, state)]
    if isinstance(state, tuple):
        return [found for i, item in enumerate(state) for found in _state_tensors(item, f"{where}[{i}]")]
    raise AssertionError(
        f"{where} is {type(state).__name__}; the decoder state must be a tensor, None or a (nested) tuple of "
        f"tensors, so that A3's beam search can reorder it with index_select along dim 0")


def _reorder(state, index):
    if isinstance(state, torch.Tensor):
        return state.index_select(0, index)
    return None if state is None else tuple(_reorder(item, index) for item in state)


def test_model_state_reorders_along_dim0(att, util, rng, student):
    """AttnSeq2Seq: the decoder state has the hypotheses on dim 0, so a beam search can reorder it"""
    lengths = [3, 6, 2]
    src, mask = util.padded_batch(rng, lengths, SRC_VOCAB)
    index = torch.tensor([2, 0, 0, 1, 2])
    for score in SCORES:
        model = build(att, student, score, rng.randrange(2**31))
        state = model.encode(src, mask)
        tensors = _state_tensors(state)
        shapes = ", ".join(f"{where} {tuple(t.shape)}" for where, t in tensors)
        wrong = [(where, t) for where, t in tensors if t.dim() == 0 or t.size(0) != len(lengths)]
        assert not wrong, (
            f"{constructor(score)}.encode(src of shape {tuple(src.shape)}, src_mask) returned a state in which "
            f"{wrong[0][0]} has shape {tuple(wrong[0][1].shape)}: every tensor in the state must have the batch "
            f"(the hypotheses) on dim 0, encoder outputs and mask included (a GRU's hidden state is [layers, B, H]: "
            f"move the batch to the front). State tensors: {shapes}")
        tokens = torch.tensor([rng.randrange(4, TGT_VOCAB) for _ in lengths])
        call = f"{constructor(score)}.decode_step"
        full, _ = util.pair(model.decode_step(tokens, state), call, names=("log_probs", "state"))
        full = util.tensor(full, f"{call} on the whole batch", shape=(3, TGT_VOCAB))
        picked, next_state = util.pair(model.decode_step(tokens.index_select(0, index), _reorder(state, index)),
                                       call, names=("log_probs", "state"))
        picked = util.tensor(picked, f"{call} on the state reordered with index_select(0, {index.tolist()})",
                             shape=(5, TGT_VOCAB))
        want = full.index_select(0, index)
        assert util.close(picked, want), (
            f"{constructor(score)}: decode_step on a state reordered with index_select(0, {index.tolist()}) "
            f"(and the inputs reordered the same way) gave log-probs that differ from the original rows "
            f"reordered ({util.first_difference(picked, want)}): hypothesis k of the new state must behave "
            f"exactly like hypothesis index[k] of the old one, so every tensor of the state ({shapes}) must be "
            f"indexed by hypothesis on dim 0")
        second, _ = util.pair(model.decode_step(picked.argmax(dim=-1), next_state), call, names=("log_probs", "state"))
        util.tensor(second, f"{call} on the state returned by a step on a reordered state", shape=(5, TGT_VOCAB))


# ---- attention on padding ------------------------------------------------------------------

def test_padding_gets_zero_attention(att, util, rng, student):
    """AttnSeq2Seq: last_attention is exactly 0 on padding and each row sums to 1"""
    lengths = [5, 2, 7, 3]
    src, mask = util.padded_batch(rng, lengths, SRC_VOCAB)
    for score in SCORES:
        model = build(att, student, score, rng.randrange(2**31))
        state = model.encode(src, mask)
        tokens = torch.full((4,), 2)
        for t in range(3):
            log_probs, state = util.pair(model.decode_step(tokens, state), "decode_step", names=("log_probs", "state"))
            what = (f"{constructor(score)}: after encode(src, src_mask) with source lengths {lengths} (right-"
                    f"padded to 7, src_mask={util.show(mask)}) and {t + 1} decode_step call(s), last_attention")
            weights = util.tensor(model.last_attention, what, shape=(4, 7))
            leaked = weights.masked_select(~mask)
            assert bool((leaked == 0).all()), (
                f"{what} is {util.show(weights)}: padding positions (mask False) must get weight exactly 0. "
                f"Pass src_mask to attend (True = real token) and keep it in the decoder state")
            sums = weights.double().sum(dim=1)
            assert bool(((sums - 1).abs() < 1e-5).all()), (
                f"{what} is {util.show(weights)}, whose rows sum to {util.show(sums)}: each row is a "
                f"probability distribution over the source positions and sums to 1")
            assert bool((weights >= 0).all()), f"{what} has negative weights: {util.show(weights)}"
            tokens = util.tensor(log_probs, "decode_step's log_probs", shape=(4, TGT_VOCAB)).argmax(dim=-1)


# ---- gradients ---------------------------------------------------------------------------------

def test_gradient_reaches_encoder(att, util, rng, student):
    """AttnSeq2Seq: the training loss back-propagates into the encoder"""
    trainer = util.trainer(student)
    lengths = [6, 3, 5, 1]
    src, mask = util.padded_batch(rng, lengths, SRC_VOCAB)
    tgt = util.targets(rng, len(lengths), 7, TGT_VOCAB)
    for score in ("general", "dot"):
        model = build(att, student, score, rng.randrange(2**31))
        report = trainer.gradient_report(model, src, mask, tgt, rng.randrange(2**31))
        used = {name: entry for name, entry in report.items() if entry[0]}
        assert used, (
            f"{constructor(score)}: no parameter gets a gradient from the state that encode(src, src_mask) "
            f"returns, so the loss cannot train the encoder. Is encode running under torch.no_grad(), or "
            f"returning .detach()ed (or .data) tensors? Parameters: {', '.join(report) or 'none'}")
        embeddings = {name: entry for name, entry in used.items() if entry[3] and entry[3][0] == SRC_VOCAB}
        checked = embeddings or used
        reached = [name for name, entry in checked.items() if entry[2] > 0]
        missed = [name for name, entry in checked.items() if entry[2] == 0]
        ok = (not missed) if embeddings else bool(reached)
        assert ok, (
            f"{constructor(score)}: the cross-entropy loss of forward(src, src_mask, tgt) gives no gradient to "
            f"{', '.join(missed)}, which encode uses ({'the source embedding' if embeddings else 'encoder parameters'}); "
            f"somewhere between encode and the logits the graph is cut (.detach(), .data, torch.no_grad(), "
            f"or new tensors built from .tolist()/.item()). Gradient norms from the loss: "
            + ", ".join(f"{n} {report[n][2]:.3g}" for n in report))
