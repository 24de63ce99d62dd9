"""Public tests for A6: small examples you can work out by hand, plus one quick rate check.

The hidden tests check the same ideas statistically on ~200 000 tokens, on random
sentence pairs and documents, and against F.cross_entropy on random logits.
"""

import torch
import torch.nn.functional as F


def test_pair_input_example(pretraining):
    """[CLS] a [SEP] b [SEP], segments 0 through the first [SEP]"""
    tokens, segments = pretraining.build_pair_input(["my", "dog"], ["is", "cute"], 10)
    assert list(tokens) == ["[CLS]", "my", "dog", "[SEP]", "is", "cute", "[SEP]"], f"got tokens {tokens}"
    assert list(segments) == [0, 0, 0, 0, 1, 1, 1], f"got segment ids {segments}"


def test_truncation_example(pretraining):
    """The longer sentence loses its last tokens first; a on ties"""
    tokens, segments = pretraining.build_pair_input(["a1", "a2", "a3", "a4"], ["b1", "b2"], 7)
    want = ["[CLS]", "a1", "a2", "[SEP]", "b1", "b2", "[SEP]"]
    assert list(tokens) == want, f"build_pair_input(['a1','a2','a3','a4'], ['b1','b2'], 7) gave {tokens}, expected {want}"
    tokens, _ = pretraining.build_pair_input(["a1", "a2"], ["b1", "b2"], 6)
    want = ["[CLS]", "a1", "[SEP]", "b1", "b2", "[SEP]"]
    assert list(tokens) == want, f"on a tie the token comes off a: got {tokens}, expected {want}"


def test_mask_tokens_basics(pretraining):
    """Specials untouched, labels -100 or the original id, about 15% selected"""
    ids = torch.randint(10, 100, (50, 100), generator=torch.Generator().manual_seed(0))
    special = torch.zeros(50, 100, dtype=torch.bool)
    ids[:, 0], ids[:, -1] = 1, 2
    special[:, 0] = special[:, -1] = True
    original = ids.clone()
    out, labels = pretraining.mask_tokens(ids, special, mask_token_id=3, vocab_size=100)
    assert torch.equal(ids, original), "mask_tokens modified its input_ids argument"
    assert (labels[special] == -100).all() and torch.equal(out[special], ids[special]), "a special token was selected"
    selected = labels != -100
    assert torch.equal(labels[selected], ids[selected]), "labels must hold the ORIGINAL id at selected positions"
    assert torch.equal(out[~selected], ids[~selected]), "an unselected position was changed"
    rate = selected.sum().item() / (~special).sum().item()
    assert 0.13 < rate < 0.17, f"selected {rate:.3f} of the non-special tokens; expected about 0.15"
    masked = (out[selected] == 3).float().mean().item()
    assert 0.72 < masked < 0.88, f"{masked:.3f} of the selected became [MASK]; expected about 0.8"


def test_nsp_example(pretraining, make_rng):
    """Label 0 keeps the next sentence; label 1 takes one from the other document"""
    docs = [[["a0"], ["a1"], ["a2"]], [["b0"]]]
    examples = pretraining.make_nsp_examples(docs, make_rng(1))
    assert [list(a) for a, _, _ in examples] == [["a0"], ["a1"]], f"got {examples}"
    for a, b, label in examples:
        want = [["a1"], ["a2"]][[["a0"], ["a1"]].index(list(a))] if label == 0 else ["b0"]
        assert list(b) == want, f"example {(a, b, label)}: label 0 = IsNext keeps B; label 1 = B from another document"


def test_causal_lm_loss_example(pretraining):
    """Position t predicts token t+1; padding targets are ignored"""
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 6)
    ids = torch.tensor([[2, 4, 5, 3], [2, 5, 0, 0]])
    want = F.cross_entropy(logits[:, :-1].reshape(-1, 6), ids[:, 1:].reshape(-1), ignore_index=0)
    got = pretraining.causal_lm_loss(logits, ids, pad_id=0)
    assert abs(float(got) - float(want)) < 1e-5, f"got {float(got):.5f}, expected {float(want):.5f}"
