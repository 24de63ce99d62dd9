"""Graders: ``AttnSeq2Seq``'s interface, attention on padding, and gradients into the encoder.

The architecture beyond the contract's signatures is free, so these checks only use the
contract: ``forward``, ``encode``, ``decode_step`` and ``last_attention``. They grade the
model, so they run with correct scores, ``attend`` and ``unroll_decoder`` in place of the
student's (``support/stand_ins.py``, see conftest.py): a mistake in those is charged in their
own concepts. Every model gets its weights from a seed (``reinit``), so a known mistake's
model built here holds the same weights as the student's and can be recognised by its
answer.

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

from autograder.toolkit import describe, expect_equal, fail, sequence

SRC_VOCAB, TGT_VOCAB, EMB, HIDDEN = 41, 19, 12, 16
SCORES = ("dot", "general", "concat")
STATE_RULE = ("the decoder state is a tensor or a (nested) tuple of tensors, and every tensor in it has the "
              "hypotheses on dim 0 (encoder outputs and mask included; a GRU's hidden state is [layers, B, H]: "
              "move the batch to the front), so that a beam search can reorder it with index_select(0, ...)")


def model_call(a2, score, seed, then, use):
    """AttnSeq2Seq(41, 19, 12, 16, score) with weights from ``seed``, then ``use(model, kit)``."""
    return a2.Use("AttnSeq2Seq", SRC_VOCAB, TGT_VOCAB, EMB, HIDDEN, score=score,
                  then=f" with random weights (seed {seed}), then {then}",
                  use=lambda model, kit: use(kit.stand_ins.reinit(model, seed), kit))


def run_model(a2, student, att, kit, local, mistakes, call):
    """The student's model, checked with the stand-ins; and the normalize for known mistakes."""
    with a2.stand_ins(student, att, kit, mistakes):
        got = call.run(att, kit)
    return got, call.answer_of(local, local.stand_ins)


def tensor(value, call, shape, what):
    if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(shape):
        raise fail(f"{what} is a tensor of shape {list(shape)}", call, describe(value), f"shape {list(shape)}")
    return value


def decode(model, call, tokens, state, steps):
    """``steps`` greedy decode_step calls; [(log_probs, last_attention)] and the state."""
    seen = []
    for _ in range(steps):
        log_probs, state = sequence(model.decode_step(tokens, state), call, 2)
        log_probs = tensor(log_probs, call, (len(tokens), TGT_VOCAB), "decode_step's log_probs")
        seen.append((log_probs, model.last_attention))
        tokens = log_probs.argmax(dim=-1)
    return seen, state


# ---- the interface ---------------------------------------------------------------------

def test_model_forward_shapes(att, a2, rng, student, kit, local, mistakes):
    """AttnSeq2Seq.forward: logits [B, T-1, tgt_vocab] for every score, with and without teacher forcing"""
    src, mask = a2.padded_batch(rng, [5, 2, 7, 3], SRC_VOCAB)
    tgt = a2.targets(rng, 4, 6, TGT_VOCAB)
    for score in SCORES:
        call = model_call(a2, score, rng.randrange(2**31),
                          f"forward(src [4, 7], src_mask, tgt [4, 6], teacher_forcing_ratio=r) for r = 1.0 and 0.0",
                          lambda model, kit: [a2.shape_of(model(src, mask, tgt, teacher_forcing_ratio=r))
                                              for r in (1.0, 0.0)])
        got, normalize = run_model(a2, student, att, kit, local, mistakes, call)
        expect_equal(got, [[4, 5, TGT_VOCAB]] * 2, call, mistakes=mistakes, normalize=normalize,
                     rule="forward returns the logits of the T-1 predicted tokens, [B, T-1, tgt_vocab]")


def test_model_decode_step_log_probs(att, a2, rng, student, kit, local, mistakes):
    """AttnSeq2Seq.decode_step: log-probabilities [K, tgt_vocab] (each row's exp sums to 1)"""
    src, mask = a2.padded_batch(rng, [4, 6, 1], SRC_VOCAB)
    for score in SCORES:
        call = model_call(a2, score, rng.randrange(2**31),
                          "encode(src [3, 6], src_mask) and three greedy decode_step calls from <sos>: the sums of "
                          "exp(log_probs) over the vocabulary, one row per step",
                          lambda model, kit: torch.stack([lp.double().exp().sum(dim=-1) for lp, _ in decode(
                              model, call, torch.full((3,), 2), model.encode(src, mask), 3)[0]]))
        got, normalize = run_model(a2, student, att, kit, local, mistakes, call)
        a2.expect_tensor(got, torch.ones(3, 3, dtype=torch.float64), call, mistakes=mistakes, normalize=normalize,
                         rule="decode_step returns log-probabilities (log_softmax of the logits): the "
                              "probabilities exp(log_probs) of each row sum to 1, and A3's beam search adds them up")


def state_tensors(state, call, where="state"):
    """[(where, tensor)] for a state that is a tensor, None or a (nested) tuple of them."""
    if state is None:
        return []
    if isinstance(state, torch.Tensor):
        return [(where, state)]
    if isinstance(state, tuple):
        return [found for i, item in enumerate(state) for found in state_tensors(item, call, f"{where}[{i}]")]
    raise fail(STATE_RULE, call, f"a state in which {where} is {describe(state)}", "tensors and tuples only")


def reorder(state, index):
    if isinstance(state, torch.Tensor):
        return state.index_select(0, index)
    return None if state is None else tuple(reorder(item, index) for item in state)


def test_model_state_reorders_along_dim0(att, a2, rng, student, kit, local, mistakes):
    """AttnSeq2Seq: the decoder state has the hypotheses on dim 0, so a beam search can reorder it"""
    lengths = [3, 6, 2]
    src, mask = a2.padded_batch(rng, lengths, SRC_VOCAB)
    index = torch.tensor([2, 0, 0, 1, 2])
    tokens = torch.tensor([rng.randrange(4, TGT_VOCAB) for _ in lengths])
    for score in SCORES:
        seed = rng.randrange(2**31)
        call = model_call(a2, score, seed, "encode(src [3, 6], src_mask): the size of dim 0 of every tensor in "
                                           "the state", lambda model, kit: [
                              a2.shape_of(t)[0] if t.dim() else 0
                              for _, t in state_tensors(model.encode(src, mask), call)])
        got, normalize = run_model(a2, student, att, kit, local, mistakes, call)
        expect_equal(got, [len(lengths)] * len(got), call, mistakes=mistakes, normalize=normalize, rule=STATE_RULE)

        def reordered(model, kit):
            state = model.encode(src, mask)
            full, _ = decode(model, call, tokens, state, 1)[0][0]
            picked, _ = decode(model, call, tokens.index_select(0, index), reorder(state, index), 1)[0][0]
            return picked, full.index_select(0, index)

        call = model_call(a2, score, seed, f"decode_step(input_ids, state) on the whole batch and on the state and "
                                           f"inputs reordered with index_select(0, {index.tolist()})", reordered)
        (picked, want), normalize = run_model(a2, student, att, kit, local, mistakes, call)
        a2.expect_tensor(picked, want, call, mistakes=mistakes, normalize=lambda model: normalize(model)[0],
                         rule="hypothesis k of the reordered state behaves exactly like hypothesis index[k] of the "
                              "original one: decode_step's log-probs are the original rows, reordered",
                         notes=["expected: the log-probs of the whole batch, reordered the same way"])


# ---- attention on padding ------------------------------------------------------------------

def test_padding_gets_zero_attention(att, a2, rng, student, kit, local, mistakes):
    """AttnSeq2Seq: last_attention is exactly 0 on padding and each row sums to 1"""
    lengths = [5, 2, 7, 3]
    src, mask = a2.padded_batch(rng, lengths, SRC_VOCAB)
    for score in SCORES:
        def attention(model, kit):
            rows = [tensor(weights, call, (4, 7), "last_attention") for _, weights in
                    decode(model, call, torch.full((4,), 2), model.encode(src, mask), 3)[0]]
            return torch.stack(rows)

        call = model_call(a2, score, rng.randrange(2**31),
                          f"encode(src, src_mask) with source lengths {lengths} (right-padded to 7) and three "
                          f"greedy decode_step calls: last_attention after each", attention)
        got, normalize = run_model(a2, student, att, kit, local, mistakes, call)
        padding = ~mask.unsqueeze(0).expand(3, -1, -1)
        expect_equal(got[padding], torch.zeros(int(padding.sum())), call, mistakes=mistakes,
                     normalize=lambda model: normalize(model)[padding],
                     same=lambda a, b: isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
                     and a.shape == b.shape and bool(torch.allclose(a.double(), b.double(), rtol=1e-5, atol=0.0)),
                     rule="padding positions (src_mask False) get attention weight exactly 0: the model passes "
                          "src_mask (True = a real token) to attend at every step",
                     notes=["shown: last_attention at the padding positions, step by step and row by row"])
        a2.expect_tensor(got.double().sum(dim=-1), torch.ones(3, 4, dtype=torch.float64), call, mistakes=mistakes,
                         normalize=lambda model: normalize(model).double().sum(dim=-1),
                         rule="each row of last_attention is a distribution over the source positions: it sums to 1",
                         notes=["shown: the sums of the rows of last_attention, one row per step"])


# ---- gradients ---------------------------------------------------------------------------------

def gradient_verdict(report):
    """(parameters used by encode, those of them the loss reaches) from a gradient report:
    the source embedding(s) when one can be recognised, else every parameter encode uses."""
    used = {name: entry for name, entry in report.items() if entry[0]}
    embeddings = {name: entry for name, entry in used.items() if entry[3] and entry[3][0] == SRC_VOCAB}
    checked = embeddings or used
    return sorted(checked), sorted(name for name, entry in checked.items() if entry[2] > 0)


def test_gradient_reaches_encoder(att, a2, rng, student, kit, local, mistakes):
    """AttnSeq2Seq: the training loss back-propagates into the encoder"""
    src, mask = a2.padded_batch(rng, [6, 3, 5, 1], SRC_VOCAB)
    tgt = a2.targets(rng, 4, 7, TGT_VOCAB)
    for score in ("general", "dot"):
        probe_seed = rng.randrange(2**31)
        call = model_call(a2, score, rng.randrange(2**31),
                          "encode(src, src_mask) and the cross-entropy of forward(src, src_mask, tgt), "
                          "back-propagated",
                          lambda model, kit: gradient_verdict(kit.trainer.gradient_report(model, src, mask, tgt,
                                                                                           probe_seed)))
        (checked, reached), normalize = run_model(a2, student, att, kit, local, mistakes, call)
        expect_equal(bool(checked), True, call, mistakes=mistakes, normalize=lambda model: bool(normalize(model)[0]),
                     show=lambda found: "an encode state connected to the parameters that compute it" if found
                     else "an encode state through which no parameter gets a gradient",
                     rule="the state encode returns is computed from the encoder's parameters with the graph kept "
                          "(no torch.no_grad(), .detach() or .data in encode), so the loss can train the encoder")
        expect_equal(reached, checked, call, mistakes=mistakes, normalize=lambda model: normalize(model)[1],
                     show=lambda names: f"a gradient from the loss for {names or 'none of them'}",
                     rule="the training loss gives every parameter encode uses for the source embedding a non-zero "
                          "gradient: nothing between encode and the logits cuts the graph (.detach(), .data, "
                          "torch.no_grad(), tensors rebuilt from .tolist() or .item())")
