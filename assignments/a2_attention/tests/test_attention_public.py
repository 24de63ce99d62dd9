"""Public tests for A2 (attention): small fixed examples you can also work out by hand.

The hidden tests check the same ideas on more (and random) inputs, check teacher forcing
at other ratios statistically, and train your AttnSeq2Seq on the dates task (README.md,
"How your model is trained and graded").
"""

import math

import torch

TOL = 1e-4


def close(got, want):
    return isinstance(got, torch.Tensor) and got.shape == want.shape and torch.allclose(got.double(), want.double(), atol=TOL)


def test_dot_score_example(attention):
    """dot_score: h_t . h_s for every source position"""
    query = torch.tensor([[1.0, 2.0]])
    keys = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
    got = attention.dot_score(query, keys)
    want = torch.tensor([[1.0, 2.0, 3.0]])
    assert close(got, want), f"dot_score([[1, 2]], [[[1, 0], [0, 1], [1, 1]]]) returned {got}, expected {want}"


def test_general_score_example(attention):
    """GeneralScore: h_t^T W h_s with W applied to the keys"""
    scorer = attention.GeneralScore(2, 3)
    scorer.load_state_dict({"W.weight": torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])})
    got = scorer(torch.tensor([[1.0, 2.0]]), torch.tensor([[[1.0, 1.0, 1.0], [0.0, 2.0, 1.0]]]))
    want = torch.tensor([[3.0, 4.0]])
    assert close(got, want), (
        f"GeneralScore(2, 3) with W = [[1, 0, 2], [0, 1, -1]] on query [[1, 2]] and keys [1, 1, 1], [0, 2, 1] "
        f"returned {got}, expected {want} (W h_s = [3, 0] and [2, 1], dotted with the query)")


def test_general_with_identity_is_dot(attention):
    """GeneralScore: with W = I it equals dot_score"""
    scorer = attention.GeneralScore(3, 3)
    scorer.load_state_dict({"W.weight": torch.eye(3)})
    query = torch.tensor([[0.5, -1.0, 2.0], [1.0, 1.0, 1.0]])
    keys = torch.arange(18, dtype=torch.float32).reshape(2, 3, 3) / 10
    got, want = scorer(query, keys), attention.dot_score(query, keys)
    assert close(got, want), f"GeneralScore with W = I returned {got}; dot_score returned {want}"


def test_concat_score_example(attention):
    """ConcatScore: v^T tanh(W [h_t; h_s]), query first"""
    scorer = attention.ConcatScore(1, 2, 2)
    scorer.load_state_dict({"W.weight": torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]),
                            "v.weight": torch.tensor([[1.0, 2.0]])})
    got = scorer(torch.tensor([[0.5]]), torch.tensor([[[1.0, 0.0], [-0.5, -0.5]]]))
    want = torch.tensor([[math.tanh(0.5) + 2 * math.tanh(1.0), math.tanh(0.5) - 2 * math.tanh(1.0)]])
    assert close(got, want), f"ConcatScore example returned {got}, expected {want} (1.9853, -1.0611)"


def test_attend_masks_before_softmax(attention):
    """attend: scores [1, 2, 3] with the last position masked give weights [0.2689, 0.7311, 0]"""
    scores = torch.tensor([[1.0, 2.0, 3.0]])
    values = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]])
    context, weights = attention.attend(scores, values, torch.tensor([[True, True, False]]))
    want = torch.tensor([[0.2689414, 0.7310586, 0.0]])
    assert close(weights, want) and float(weights[0, 2]) == 0.0, (
        f"attend weights {weights}, expected {want} (masking after the softmax gives [0.0900, 0.2447, 0])")
    assert close(context, torch.tensor([[0.2689414, 0.7310586]])), f"context {context}, expected [[0.2689, 0.7311]]"


def test_attend_asymmetric_masks(attention):
    """attend: every row has its own mask; True = may be attended"""
    scores = torch.zeros(2, 4)
    values = torch.eye(4).unsqueeze(0).repeat(2, 1, 1)
    mask = torch.tensor([[True, True, False, False], [True, True, True, True]])
    _, weights = attention.attend(scores, values, mask)
    want = torch.tensor([[0.5, 0.5, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    assert close(weights, want), f"attend(zeros, ..., mask={mask.tolist()}) gave weights {weights}, expected {want}"


def test_attend_row_without_true_raises(attention):
    """attend: a row with no True in the mask raises ValueError"""
    try:
        result = attention.attend(torch.zeros(1, 2), torch.ones(1, 2, 1), torch.tensor([[False, False]]))
    except ValueError:
        return
    raise AssertionError(f"attend with mask [[False, False]] returned {result}; expected ValueError")


def _recording_step(vocab=10, batch=2):
    """A step whose argmax is always token 9 (never a ground-truth token), recording its inputs."""
    fed = []

    def step(input_ids, state):
        fed.append(input_ids.tolist())
        logits = torch.zeros(batch, vocab)
        logits[:, 9] = 1.0
        return logits, state + 1

    return step, fed


def test_unroll_teacher_forcing(attention):
    """unroll_decoder: with ratio 1.0 step t reads tgt[:, t]; T-1 steps; logits stacked [B, T-1, V]"""
    step, fed = _recording_step()
    tgt = torch.tensor([[2, 5, 6, 7, 3], [2, 4, 4, 5, 3]])
    out = attention.unroll_decoder(step, torch.zeros(2), tgt, 1.0)
    assert fed == [tgt[:, t].tolist() for t in range(4)], f"step was fed {fed}; expected tgt[:, 0..3] = {tgt[:, :4].T.tolist()}"
    assert tuple(out.shape) == (2, 4, 10), f"unroll_decoder returned shape {tuple(out.shape)}, expected (2, 4, 10)"


def test_unroll_free_running(attention):
    """unroll_decoder: with ratio 0.0 every later step reads the previous argmax"""
    step, fed = _recording_step()
    tgt = torch.tensor([[2, 5, 6, 7, 3], [2, 4, 4, 5, 3]])
    attention.unroll_decoder(step, torch.zeros(2), tgt, 0.0)
    assert fed == [[2, 2], [9, 9], [9, 9], [9, 9]], f"step was fed {fed}; expected <sos> then the argmax 9"


def test_unroll_same_generator_same_decisions(attention, make_generator):
    """unroll_decoder: with ratio 0.5 the decisions come from the generator"""
    tgt = torch.tensor([[2] + [5] * 30 + [3]])
    runs = []
    for seed in (7, 7):
        step, fed = _recording_step(batch=1)
        attention.unroll_decoder(step, torch.zeros(1), tgt, 0.5, generator=make_generator(seed))
        runs.append(fed)
    assert runs[0] == runs[1], "two runs with generators seeded the same made different decisions"
    forced = sum(x == [5] for x in runs[0][1:])
    assert 0 < forced < 30, f"ratio 0.5 teacher-forced {forced} of 30 steps; expected some but not all"


def test_model_shapes_and_padding(attention):
    """AttnSeq2Seq: shapes, log-probs, and zero attention on padding"""
    model = attention.AttnSeq2Seq(20, 9, 8, 16, score="general")
    src = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]])
    mask = src != 0
    tgt = torch.tensor([[2, 4, 5, 3], [2, 6, 3, 0]])
    logits = model(src, mask, tgt)
    assert tuple(logits.shape) == (2, 3, 9), f"forward returned shape {tuple(logits.shape)}, expected (2, 3, 9)"
    state = model.encode(src, mask)
    log_probs, state = model.decode_step(torch.tensor([2, 2]), state)
    assert tuple(log_probs.shape) == (2, 9), f"decode_step returned log_probs of shape {tuple(log_probs.shape)}"
    total = log_probs.exp().sum(-1)
    assert torch.allclose(total, torch.ones(2), atol=1e-4), f"exp(log_probs) rows sum to {total}, expected 1"
    weights = model.last_attention
    assert tuple(weights.shape) == (2, 4), f"last_attention has shape {tuple(weights.shape)}, expected (2, 4)"
    assert float(weights[1, 2]) == 0.0 and float(weights[1, 3]) == 0.0, (
        f"last_attention {weights}: the padding of sentence 1 (positions 2 and 3) must get weight 0")


def test_model_memorises_eight_dates(overfit):
    """AttnSeq2Seq: it can memorise 8 dates (a smoke test of forward, training and greedy decode_step)"""
    steps, loss, decoded = overfit.memorise()
    want = [target for _, target in overfit.PAIRS]
    wrong = [f"'{source}' -> '{got}' (expected '{target}')"
             for (source, target), got in zip(overfit.PAIRS, decoded) if got != target]
    assert len(decoded) == len(want) and len(wrong) <= 1, (
        f"after {steps} training steps on 8 pairs (loss {loss:.4f}) greedy decoding with encode / decode_step "
        f"got {len(wrong)} of 8 wrong: " + "; ".join(wrong[:3]) + ". If the loss is low but the outputs are "
        "wrong, compare what decode_step does with what forward does.")
