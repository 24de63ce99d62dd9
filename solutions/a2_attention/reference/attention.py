"""A2: attention for sequence-to-sequence models (Luong et al. 2015, Bahdanau et al. 2015).

Model answer. Shapes are written next to tensors: B = batch, S = source length,
T = target length, H = hidden size, E = embedding size, V = target vocabulary, K = number
of hypotheses (a beam decoder's batch).

Conventions (COURSE_API.md): token id 0 is `<pad>`, 2 is `<sos>`, 3 is `<eos>`; tensors are
batch-first; a boolean mask is True where a position takes part (a real source token) and
False where it is masked out (padding), as in torch's ``scaled_dot_product_attention``.

Choices where the contract leaves room (graders accept any of the alternatives):

* ``attend`` gives masked positions weight exactly 0 by filling their scores with -inf
  before the softmax (any fill that underflows to 0, or zeroing and renormalising, is
  just as correct).
* ``unroll_decoder`` draws one number from the generator before every step t = 1..T-2,
  also for ratios 0 and 1, and teacher-forces when it is below the ratio.
* ``AttnSeq2Seq`` is Luong's "global attention": a one-layer GRU encoder, a GRUCell
  decoder whose hidden state h_t (the query) attends over the encoder outputs, then the
  attentional state tanh(W_c [c_t; h_t]) predicts the next token. No input feeding.
  ``forward`` returns unnormalised logits; ``decode_step`` returns their log_softmax.
  The state is the tuple (encoder outputs [K, S, H], source mask [K, S], decoder hidden
  [K, H]): everything has the hypotheses on dim 0, so a beam search can reorder it with
  ``index_select(0, parents)``.

Where COURSE_API.md is silent, the graders read it like this (any of the alternatives
gets full marks):

* ``forward`` returns "logits": anything whose log_softmax is the model's distribution
  (log-probabilities themselves are fine); graders only use cross-entropy and shapes.
* A decoder state is a tensor, None or a nested TUPLE of tensors (A3's definition), every
  tensor with the hypotheses on dim 0; lists, dicts and other objects are refused.
* "From generator": the same seeded generator gives the same decisions (checked), and
  the decisions at ratio 0.5 and 0.2 have the right rate (checked to a false-failure
  probability below 1e-6); with ``generator=None`` any torch-global draw is fine.
* The model gets right-padded sources only (``src_mask`` True on a prefix of each row);
  ``attend`` gets arbitrary masks. ``attend(..., mask=None)`` never raises.
* ``last_attention`` is read only after a ``decode_step``; it may be a detached copy.
* "Gradients reach the encoder": the training loss gives the source embedding (the
  parameter ``encode`` uses that has ``src_vocab`` rows) a non-zero gradient.
* Dtypes other than float32 and ``unroll_decoder`` with T < 2 are not graded.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3


# ---------------------------------------------------------------------------------------
# The three Luong scores: how well does decoder state h_t match encoder output h_s?
# ---------------------------------------------------------------------------------------

def dot_score(query: Tensor, keys: Tensor) -> Tensor:
    """score(h_t, h_s) = h_t . h_s for every source position s.

    query [B, H], keys [B, S, H] -> scores [B, S].
    """
    # [B, S, H] @ [B, H, 1] -> [B, S, 1]
    return torch.bmm(keys, query.unsqueeze(2)).squeeze(2)


class GeneralScore(nn.Module):
    """score(h_t, h_s) = h_t^T W h_s ("general", a bilinear form).

    W maps a key (key_dim) into the query's space (query_dim), so the query and the key
    may have different sizes.
    """

    def __init__(self, query_dim: int, key_dim: int):
        super().__init__()
        self.W = nn.Linear(key_dim, query_dim, bias=False)  # weight [query_dim, key_dim]

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        projected = self.W(keys)  # [B, S, key_dim] -> [B, S, query_dim]: W h_s
        return dot_score(query, projected)  # [B, S]: h_t . (W h_s)


class ConcatScore(nn.Module):
    """score(h_t, h_s) = v^T tanh(W [h_t; h_s]) ("concat", Bahdanau's additive score).

    The query comes first in the concatenation.
    """

    def __init__(self, query_dim: int, key_dim: int, attn_dim: int):
        super().__init__()
        self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query: Tensor, keys: Tensor) -> Tensor:
        source_len = keys.size(1)
        queries = query.unsqueeze(1).expand(-1, source_len, -1)  # [B, S, query_dim]
        pairs = torch.cat([queries, keys], dim=2)  # [B, S, query_dim + key_dim]: [h_t; h_s]
        hidden = torch.tanh(self.W(pairs))  # [B, S, attn_dim]
        return self.v(hidden).squeeze(2)  # [B, S]


# ---------------------------------------------------------------------------------------
# Scores -> weights -> context vector
# ---------------------------------------------------------------------------------------

def attend(scores: Tensor, values: Tensor, mask: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Masked softmax over the source axis, then the weighted average of the values.

    scores [B, S], values [B, S, Hv], mask [B, S] bool (True = a real position) or None.
    Returns (context [B, Hv], weights [B, S]).
    """
    if mask is not None:
        empty = ~mask.any(dim=1)  # [B]: rows where nothing may be attended
        if bool(empty.any()):
            row = int(empty.nonzero()[0, 0])
            raise ValueError(f"mask: row {row} has no True position; there is nothing to attend to")
        # Mask BEFORE the softmax: exp(-inf) = 0, so masked positions get weight exactly 0
        # and the real positions still sum to 1. (Zeroing after the softmax would leave
        # rows that no longer sum to 1.)
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)  # [B, S]: over the SOURCE axis
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)  # [B, 1, S] @ [B, S, Hv] -> [B, Hv]
    return context, weights


# ---------------------------------------------------------------------------------------
# Running a decoder over a target: teacher forcing and scheduled sampling
# ---------------------------------------------------------------------------------------

def unroll_decoder(
    step: Callable[[Tensor, object], tuple[Tensor, object]],
    state: object,
    tgt: Tensor,
    teacher_forcing_ratio: float,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Run ``step`` T-1 times over tgt [B, T] (which starts with <sos>); return logits [B, T-1, V].

    Step 0 reads tgt[:, 0]. Before each later step t, one coin flip for the whole batch
    decides whether step t reads the ground truth tgt[:, t] (teacher forcing, probability
    ``teacher_forcing_ratio``) or the model's own previous prediction.
    """
    steps = tgt.size(1) - 1
    inputs = tgt[:, 0]  # [B]: <sos>
    all_logits = []
    for t in range(steps):
        logits, state = step(inputs, state)  # logits [B, V]
        all_logits.append(logits)
        if t + 1 < steps:
            # torch.rand is in [0, 1): ratio 1.0 always teacher-forces, ratio 0.0 never does.
            coin = torch.rand((), generator=generator).item()
            if coin < teacher_forcing_ratio:
                inputs = tgt[:, t + 1]  # the ground truth for step t + 1
            else:
                inputs = logits.argmax(dim=-1)  # the model's own guess (no gradient flows through it)
    return torch.stack(all_logits, dim=1)  # [B, T-1, V]


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------

class AttnSeq2Seq(nn.Module):
    """GRU encoder, GRU decoder with Luong attention (score "dot", "general" or "concat")."""

    def __init__(self, src_vocab: int, tgt_vocab: int, emb_dim: int, hidden_dim: int, score: str = "general"):
        super().__init__()
        if score not in ("dot", "general", "concat"):
            raise ValueError(f"score must be 'dot', 'general' or 'concat', got {score!r}")
        self.score_name = score
        self.src_embedding = nn.Embedding(src_vocab, emb_dim, padding_idx=PAD_ID)
        self.encoder = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.tgt_embedding = nn.Embedding(tgt_vocab, emb_dim, padding_idx=PAD_ID)
        self.decoder = nn.GRUCell(emb_dim, hidden_dim)
        if score == "general":
            self.score = GeneralScore(hidden_dim, hidden_dim)
        elif score == "concat":
            self.score = ConcatScore(hidden_dim, hidden_dim, hidden_dim)
        else:
            self.score = dot_score  # a plain function: no parameters
        self.combine = nn.Linear(2 * hidden_dim, hidden_dim)  # W_c in tanh(W_c [c_t; h_t])
        self.output = nn.Linear(hidden_dim, tgt_vocab)
        self.last_attention: Tensor | None = None  # [K, S] after every decode step

    def encode(self, src: Tensor, src_mask: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """src [B, S] ids, src_mask [B, S] bool -> state (outputs [B, S, H], mask [B, S], hidden [B, H])."""
        embedded = self.src_embedding(src)  # [B, S, E]
        lengths = src_mask.sum(dim=1).cpu()  # [B]
        # Packing makes the GRU stop at each sentence's last real token, so the final
        # hidden state does not depend on how much padding follows.
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        packed_outputs, last_hidden = self.encoder(packed)  # last_hidden [1, B, H]
        outputs, _ = pad_packed_sequence(packed_outputs, batch_first=True, total_length=src.size(1))  # [B, S, H]
        # The decoder starts from the encoder's summary; it is [layers, B, H] in torch, so
        # take the layer out: every tensor of the state must have the batch on dim 0.
        return outputs, src_mask, last_hidden[-1]  # [B, S, H], [B, S], [B, H]

    def _step_logits(self, input_ids: Tensor, state: tuple[Tensor, Tensor, Tensor]) -> tuple[Tensor, tuple]:
        """One decoder step: input_ids [K] -> (logits [K, V], new state)."""
        outputs, src_mask, hidden = state  # [K, S, H], [K, S], [K, H]
        embedded = self.tgt_embedding(input_ids)  # [K, E]
        hidden = self.decoder(embedded, hidden)  # [K, H]: h_t, the query
        scores = self.score(hidden, outputs)  # [K, S]
        context, weights = attend(scores, outputs, src_mask)  # [K, H], [K, S]
        attentional = torch.tanh(self.combine(torch.cat([context, hidden], dim=1)))  # [K, H]
        self.last_attention = weights.detach()
        return self.output(attentional), (outputs, src_mask, hidden)  # [K, V]

    def decode_step(self, input_ids: Tensor, state: tuple[Tensor, Tensor, Tensor]) -> tuple[Tensor, tuple]:
        """A step function for A3's decoders: input_ids [K] -> (log_probs [K, V], new state)."""
        logits, state = self._step_logits(input_ids, state)
        return F.log_softmax(logits, dim=-1), state

    def forward(self, src: Tensor, src_mask: Tensor, tgt: Tensor, teacher_forcing_ratio: float = 1.0) -> Tensor:
        """src [B, S], src_mask [B, S], tgt [B, T] (starting with <sos>) -> logits [B, T-1, V]."""
        state = self.encode(src, src_mask)
        return unroll_decoder(self._step_logits, state, tgt, teacher_forcing_ratio)
