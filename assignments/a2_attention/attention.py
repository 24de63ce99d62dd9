"""A2: attention for sequence-to-sequence models.

Complete every function and class below (each body is ``raise NotImplementedError``).
Read ``README.md`` first: it explains the ideas (why a fixed-size hidden state is a
bottleneck, alignment, the three Luong scores, masking, teacher forcing and exposure bias)
with worked examples.

Shapes are written as ``[B, S, H]``: B = batch, S = source length, T = target length,
H = hidden size, V = target vocabulary size, K = number of hypotheses (the batch of a beam
search).

Rules that hold everywhere (the course's conventions):

* Tensors are batch-first; token ids are ``torch.long``; floats are float32 unless the
  caller passes another dtype.
* Special token ids: ``<pad>`` = 0, ``<unk>`` = 1, ``<sos>`` = 2, ``<eos>`` = 3.
* A boolean mask is True where a position TAKES PART (a real source token) and False where
  it is masked out (padding). That is the convention of torch's
  ``F.scaled_dot_product_attention``; beware that ``nn.MultiheadAttention``'s
  ``key_padding_mask`` and the Annotated Transformer use the opposite meaning.
* Do not modify the tensors you are given (use ``masked_fill``, not ``masked_fill_``).
* The only argument check that is required (and tested): ``attend`` raises ValueError
  when a row of the mask has no True. Anything else odd is up to you.

You may use anything in torch (``nn.GRU``, ``nn.GRUCell``, ``torch.softmax``,
``pack_padded_sequence``...), but not ``nn.MultiheadAttention`` or
``F.scaled_dot_product_attention`` inside ``attend``: the point is to build it yourself.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F  # noqa: F401  (you will probably want it)
from torch import Tensor, nn

PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3


# ---------------------------------------------------------------------------------------
# 1. Scores: how well does the decoder state h_t (the query) match each encoder output
#    h_s (the keys)? One number per source position.
# ---------------------------------------------------------------------------------------

def dot_score(query: Tensor, keys: Tensor) -> Tensor:
    """Luong's "dot" score: score(h_t, h_s) = h_t . h_s.

    query [B, H] (one decoder state per sentence), keys [B, S, H] (the encoder outputs)
    -> scores [B, S].

    Example: query [[1, 2]] and keys [[[1, 0], [0, 1], [1, 1]]] give [[1, 2, 3]].

    Hint: ``torch.bmm(keys, query.unsqueeze(2))`` is [B, S, 1]. No scaling by sqrt(H)
    (that is the Transformer's scaled dot product, not Luong's).
    """
    raise NotImplementedError


class GeneralScore(nn.Module):
    """Luong's "general" score: score(h_t, h_s) = h_t^T W h_s.

    ``__init__(query_dim, key_dim)`` creates exactly one parameter,
    ``self.W = nn.Linear(key_dim, query_dim, bias=False)`` (its weight is
    [query_dim, key_dim]). ``forward(query [B, query_dim], keys [B, S, key_dim])`` returns
    scores [B, S].

    W maps each KEY into the query's space (``self.W(keys)`` is [B, S, query_dim]), and the
    score is the dot product of that with the query. Applying W to the query instead
    computes h_s^T W h_t, a different number (and a shape error when the sizes differ).

    Example: W.weight = [[1, 0, 2], [0, 1, -1]], query [[1, 2]], key [1, 1, 1]:
    W h_s = [3, 0], and [1, 2] . [3, 0] = 3.
    """

    def __init__(self, query_dim: int, key_dim: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        raise NotImplementedError


class ConcatScore(nn.Module):
    """Luong's "concat" score (Bahdanau's additive attention): v^T tanh(W [h_t; h_s]).

    ``__init__(query_dim, key_dim, attn_dim)`` creates exactly two parameters,
    ``self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)`` and
    ``self.v = nn.Linear(attn_dim, 1, bias=False)``.
    ``forward(query [B, query_dim], keys [B, S, key_dim])`` returns scores [B, S].

    [h_t; h_s] is the concatenation with the QUERY FIRST, built for every source position:
    expand the query to [B, S, query_dim], concatenate with the keys on the last axis
    ([B, S, query_dim + key_dim]), then W, tanh, v, and drop the last axis of size 1.

    Example (query_dim 1, key_dim 2, attn_dim 2): W.weight = [[1, 0, 0], [0, 1, 1]],
    v.weight = [[1, 2]], query [[0.5]], key [1, 0]: W [0.5, 1, 0] = [0.5, 1], so the score
    is tanh(0.5) + 2 tanh(1) = 1.9853.
    """

    def __init__(self, query_dim: int, key_dim: int, attn_dim: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------
# 2. From scores to a context vector
# ---------------------------------------------------------------------------------------

def attend(scores: Tensor, values: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Masked softmax over the source axis, then the weighted average of the values.

    scores [B, S], values [B, S, Hv], mask [B, S] bool (True = may be attended) or None.
    Returns ``(context [B, Hv], weights [B, S])`` where
        weights[b] = softmax over s of the scores of row b, masked positions excluded,
        context[b] = sum over s of weights[b, s] * values[b, s].

    * Masked positions (mask False) get weight EXACTLY 0, and every row sums to 1. Mask the
      SCORES before the softmax: fill them with ``float("-inf")`` (exp(-inf) = 0). Zeroing
      weights after the softmax leaves rows that no longer sum to 1; filling the scores
      with 0 gives padding a real weight.
    * The softmax runs over the source axis (dim 1), separately for every row.
    * A row whose mask has no True raises ValueError (a softmax over nothing but -inf would
      be NaN).

    Example: scores [[1, 2, 3]] with mask [[True, True, False]] give weights
    [[0.2689, 0.7311, 0.0]]. Masking after the softmax would give [[0.0900, 0.2447, 0.0]],
    which sums to 0.335.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# 3. Running a decoder over a target sentence
# ---------------------------------------------------------------------------------------

def unroll_decoder(
    step: Callable[[Tensor, object], tuple[Tensor, object]],
    state: object,
    tgt: Tensor,
    teacher_forcing_ratio: float,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Call ``step`` T-1 times along ``tgt`` [B, T] and return the stacked logits [B, T-1, V].

    ``step(input_ids [B], state) -> (logits [B, V], new_state)`` is one decoder step; pass
    the state it returns to the next call. ``tgt`` starts with ``<sos>``: step t must
    predict tgt[:, t + 1].

    * Step 0 reads tgt[:, 0] (``<sos>``).
    * Before each later step t (t = 1 .. T-2), make ONE random decision for the whole batch:
      with probability ``teacher_forcing_ratio`` feed the ground truth tgt[:, t] (teacher
      forcing), otherwise feed the previous step's prediction ``logits.argmax(-1)``.
      Draw the random numbers from ``generator`` (e.g.
      ``torch.rand((), generator=generator).item() < teacher_forcing_ratio``; with
      ``generator=None`` torch's global generator is used). Ratio 1.0 must ALWAYS
      teacher-force and ratio 0.0 NEVER.
    * Return ``torch.stack`` of the T-1 logits along dim 1: output[:, t] is step t's logits.

    Example with T = 4 and ratio 1.0: the steps read tgt[:, 0], tgt[:, 1], tgt[:, 2]
    (tgt[:, 3], usually ``<eos>``, is never an input).
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# 4. The model
# ---------------------------------------------------------------------------------------

class AttnSeq2Seq(nn.Module):
    """A GRU encoder and a GRU decoder with Luong attention.

    ``__init__(src_vocab, tgt_vocab, emb_dim, hidden_dim, score="general")``: vocabulary
    sizes (id 0 is padding in both), embedding and hidden sizes, and the attention score,
    one of "dot", "general", "concat" (use your functions above).

    Required methods (the graders and A3's decoders use exactly these):

    * ``encode(src [B, S], src_mask [B, S]) -> state``: run the encoder. The state is
      whatever the decoder needs (encoder outputs, the source mask, the decoder's initial
      hidden state), as a tensor or a (nested) TUPLE of tensors with the batch on dim 0
      in EVERY tensor, so that a beam search can reorder it with ``index_select(0, ...)``.
      (``nn.GRU`` returns its final hidden state as [layers, B, H]: move B to the front.)
    * ``decode_step(input_ids [K], state) -> (log_probs [K, V], new_state)``: one decoder
      step for K hypotheses: embed the input tokens, update the decoder's hidden state h_t,
      score it against the encoder outputs, ``attend`` with the source mask, combine the
      context vector with h_t (Luong: tanh(W_c [c_t; h_t])) and predict the next token.
      Returns LOG-probabilities (``log_softmax``). Also store the attention weights [K, S]
      of this step in ``self.last_attention``.
    * ``forward(src, src_mask, tgt [B, T], teacher_forcing_ratio=1.0) -> logits [B, T-1, V]``:
      encode, then ``unroll_decoder`` with a step built from your decoder. (Raw logits or
      log-probabilities: the cross-entropy is the same.)

    The source is right-padded: ``src_mask`` is True on the first tokens of each row.

    Everything else is your choice (uni- or bidirectional encoder, how the decoder starts,
    input feeding, ...). The graders train your model with ``forward`` (emb_dim 32,
    hidden_dim 64, Adam, teacher forcing, up to 25 s of CPU time) and then translate
    held-out dates greedily with ``encode`` / ``decode_step``: see README.md.
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, emb_dim: int, hidden_dim: int, score: str = "general"):
        super().__init__()
        self.last_attention: Tensor | None = None
        raise NotImplementedError

    def encode(self, src: Tensor, src_mask: Tensor):
        raise NotImplementedError

    def decode_step(self, input_ids: Tensor, state):
        raise NotImplementedError

    def forward(self, src: Tensor, src_mask: Tensor, tgt: Tensor, teacher_forcing_ratio: float = 1.0) -> Tensor:
        raise NotImplementedError
