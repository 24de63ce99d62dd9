"""Public tests for A7: small examples you can check by hand.

The hidden tests check the same rules on random inputs, count parameters and compare
gradients for the ALBERT modules, compare the distillation loss and its gradients with a
float64 computation, and measure the SOP swap rate statistically.
"""

import torch
import torch.nn.functional as F


def test_factorized_embedding_lecture_example(efficient):
    """FactorizedEmbedding(500, 15, 100): 500*15 + 15*100 + 100 = 9,100 parameters, output [..., 100]"""
    embedding = efficient.FactorizedEmbedding(500, 15, 100)
    count = sum(p.numel() for p in embedding.parameters())
    assert count == 9100, f"FactorizedEmbedding(500, 15, 100) has {count} parameters, expected 9100"
    shape = list(embedding(torch.tensor([[1, 2, 3]])).shape)
    assert shape == [1, 3, 100], f"ids of shape [1, 3] gave an output of shape {shape}, expected [1, 3, 100]"


def test_shared_layer_encoder_applies_one_layer(efficient, nn):
    """SharedLayerEncoder(layer, 3)(x) is layer(layer(layer(x))), with the layer's 20 parameters"""
    layer = nn.Linear(4, 4)
    encoder = efficient.SharedLayerEncoder(layer, 3)
    count = sum(p.numel() for p in encoder.parameters())
    assert count == 20, f"a 3-deep encoder of one nn.Linear(4, 4) has {count} parameters, expected 20 (one set)"
    x = torch.ones(2, 4)
    want = layer(layer(layer(x)))
    got = encoder(x)
    assert torch.allclose(got, want, atol=1e-6), f"encoder(x) = {got}, expected layer(layer(layer(x))) = {want}"


def test_replaced_token_labels_example(efficient):
    """Replaced-token labels: 1 replaced, 0 original, -100 at specials"""
    original = torch.tensor([[101, 7, 8, 9, 102]])
    corrupted = torch.tensor([[101, 7, 5, 9, 102]])
    specials = torch.tensor([[True, False, False, False, True]])
    got = efficient.replaced_token_labels(original, corrupted, specials)
    assert got.tolist() == [[-100, 0, 1, 0, -100]], f"got {got.tolist()}, expected [[-100, 0, 1, 0, -100]]"


def test_distillation_loss_checks_by_hand(efficient):
    """Distillation: alpha = 0 is the plain cross-entropy; equal logits with alpha = 1 give 0"""
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]])
    labels = torch.tensor([0, 2])
    got = float(efficient.distillation_loss(logits, logits + 1.0, labels, 2.0, 0.0))
    want = float(F.cross_entropy(logits, labels))
    assert abs(got - want) < 1e-5, f"with alpha = 0 the loss is {got:.6f}, expected the cross-entropy {want:.6f}"
    got = float(efficient.distillation_loss(logits, logits, labels, 2.0, 1.0))
    assert abs(got) < 1e-6, f"with equal logits and alpha = 1 the loss is {got:.6f}, expected 0"


def test_sop_examples_are_pairs_kept_or_swapped(efficient, make_rng):
    """SOP: one example per consecutive pair of each document, (A, B, 0) or (B, A, 1)"""
    documents = [[["a"], ["b"], ["c"]], [["x"]], [["p", "q"], ["r"]]]
    examples = efficient.make_sop_examples(documents, make_rng(0))
    pairs = [(["a"], ["b"]), (["b"], ["c"]), (["p", "q"], ["r"])]
    assert len(examples) == 3, f"got {len(examples)} examples, expected 3 (one per consecutive pair)"
    for (first, second), example in zip(pairs, examples):
        a, b, label = example
        allowed = [(first, second, 0), (second, first, 1)]
        assert (list(a), list(b), label) in allowed, f"got {example}, expected one of {allowed}"
