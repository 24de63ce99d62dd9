"""A7: Efficient pre-training: ALBERT, ELECTRA and distillation.

Complete every function and class below (each body is ``raise NotImplementedError``).
Read ``README.md`` (or ``README.ko.md``) first: it works each idea through with numbers you
can check by hand.

Rules that hold everywhere:

* Do not modify the tensors or lists you are given.
* Token ids and labels are ``torch.long``; ``-100`` marks a label to ignore, as in
  ``F.cross_entropy(..., ignore_index=-100)``.
* Randomness comes only from the ``rng`` argument you are given.
"""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IGNORE_INDEX = -100


class FactorizedEmbedding(nn.Module):
    """ALBERT's factorised embedding: a small table, then a projection up to the model.

    ``__init__(vocab_size, embed_dim, hidden_dim)`` creates exactly two sub-modules:

    * ``self.word = nn.Embedding(vocab_size, embed_dim)`` (V x E), and
    * ``self.proj = nn.Linear(embed_dim, hidden_dim)`` (E x H weights plus H biases).

    ``forward(input_ids)`` maps ids ``[...]`` (long) to ``[..., hidden_dim]``: look the ids
    up in ``word``, then apply ``proj``.

    The parameters number V*E + E*H + H instead of BERT's V*H. Lecture 10's example:
    V = 500, H = 100 takes 50,000 parameters as one table; with E = 15 it is
    500*15 + 15*100 + 100 = 9,100.
    """

    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, input_ids: Tensor) -> Tensor:
        raise NotImplementedError


class SharedLayerEncoder(nn.Module):
    """ALBERT's cross-layer sharing: ONE layer applied ``num_layers`` times.

    ``__init__(layer, num_layers)`` keeps the given module as ``self.layer`` (do not copy
    it: a copy per layer is BERT, not ALBERT). ``forward(x, *args, **kwargs)`` applies it
    ``num_layers`` times, each output the next input, passing ``*args, **kwargs`` (a mask)
    to every call.

    So the encoder's parameters are exactly the layer's (one set, however deep), and in
    backward each shared weight receives the SUM of the gradients of all its uses.

    Example: with ``layer = nn.Linear(4, 4)`` and ``num_layers = 3``,
    ``encoder(x) == layer(layer(layer(x)))`` and ``sum(p.numel() for p in
    encoder.parameters()) == 20``.
    """

    def __init__(self, layer: nn.Module, num_layers: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: Tensor, *args, **kwargs) -> Tensor:
        raise NotImplementedError


def replaced_token_labels(original: Tensor, corrupted: Tensor, special_tokens_mask: Tensor) -> Tensor:
    """ELECTRA's discriminator targets: was each token replaced by the generator?

    ``original`` and ``corrupted`` are ids of the same shape (long); ``special_tokens_mask``
    (bool, same shape) is True at [CLS], [SEP] and padding. Returns a long tensor of that
    shape: 1 where ``corrupted`` differs from ``original``, 0 where they are equal, and
    -100 wherever ``special_tokens_mask`` is True.

    A position the generator sampled but filled with the original token is 0 ("original"):
    the label compares tokens, not which positions were masked.

    Example: original [[CLS, 7, 8, 9, SEP]], corrupted [[CLS, 7, 5, 9, SEP]], specials
    [[True, False, False, False, True]] give [[-100, 0, 1, 0, -100]].
    """
    raise NotImplementedError


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, labels: Tensor, temperature: float,
                      alpha: float) -> Tensor:
    """Hinton's distillation loss, as DistilBERT trains with it (a 0-d float tensor).

    ``student_logits`` and ``teacher_logits`` have shape ``[..., V]``; flatten both to rows
    ``[N, V]`` and ``labels`` (long, ``[...]``) to ``[N]``. Then, with T = temperature::

        alpha * T**2 * mean over the N rows of KL(softmax(teacher / T) || softmax(student / T))
        + (1 - alpha) * cross_entropy(student_logits, labels, ignore_index=-100)

    * KL(p || q) = sum over the V classes of p * (log p - log q): the teacher's softened
      distribution p is the target (``F.kl_div(log q, log p, log_target=True)`` computes it;
      note which argument is which).
    * The KL is summed over the vocabulary and averaged over ALL N rows (rows whose label
      is -100 too: the teacher has something to say about every position).
    * The cross-entropy uses the UNSOFTENED student logits and averages over the rows whose
      label is not -100 (at least one is).
    * T**2 keeps the soft term's gradients the same size whatever T: softening by T
      shrinks them by 1/T**2.

    Example: with alpha = 0 the loss is the plain cross-entropy; with identical student and
    teacher logits and alpha = 1 it is 0.
    """
    raise NotImplementedError


def make_sop_examples(documents: list[list[list[str]]], rng: random.Random) -> list[tuple[list[str], list[str], int]]:
    """ALBERT's sentence-order prediction examples.

    ``documents`` is a list of documents, each a list of sentences, each a list of tokens.
    For every pair of consecutive sentences (A, B) of every document, in order (document
    by document, pair by pair), flip a fair coin with ``rng``:

    * heads: the example is ``(A, B, 0)`` (in order);
    * tails: the example is ``(B, A, 1)`` (swapped).

    The negative is the SAME two sentences in the wrong order, never a sentence from
    another document (that is BERT's next sentence prediction, which a model can solve by
    spotting the change of topic). How you draw the coin from ``rng`` is up to you; the
    same ``rng`` state must give the same examples. A document with fewer than two
    sentences gives no examples.

    Example: ``[[["a"], ["b"], ["c"]]]`` gives two examples, from (["a"], ["b"]) and
    (["b"], ["c"]), e.g. ``[(["a"], ["b"], 0), (["c"], ["b"], 1)]``.
    """
    raise NotImplementedError
