"""A1: Preprocessing for NMT, the model answer.

The pipeline that turns a parallel corpus (pairs of sentences) into the tensors a
sequence-to-sequence model trains on:

    raw text --normalize/tokenize--> tokens --filter_pairs--> clean pairs
             --build_vocab--> Vocab --numericalize--> ids --bucketed_batch_indices-->
             batches of similar lengths --collate--> padded LongTensors
             --teacher_forcing_pair--> (decoder input, decoder target)

plus the way back (``decode``) and subword units (``train_sentencepiece``).

Special tokens and their ids are fixed for the whole course:
``<pad>`` = 0, ``<unk>`` = 1, ``<sos>`` = 2, ``<eos>`` = 3.

Choices where the course contract is silent (the graders do not test them):

* ``normalize``: "whitespace" is what ``str.split()`` splits on (``str.isspace``); the
  steps run in the contract's order: NFKC, then ``lower()``, then strip and collapse.
* ``tokenize("")`` (or only whitespace) is ``[]``.
* ``filter_pairs`` returns the original, unnormalised strings of the kept pairs, as tuples.
* ``Vocab(itos)`` copies ``itos``; if a string occurs twice, ``stoi`` keeps its first id.
  ``Vocab`` also has ``__contains__`` (``"cat" in vocab``) and a ``__repr__``; neither is
  part of the contract.
* ``build_vocab`` with ``min_freq < 1`` behaves like ``min_freq = 1``. A special string met
  in the corpus keeps its special id, and it does not take one of the ``max_size`` slots
  left for ordinary tokens.
* ``numericalize`` truncates the source to ``max_len`` tokens (it gets no ``<sos>`` or
  ``<eos>``), the target to ``max_len - 2`` tokens plus the two markers; an empty source
  gives ``[]``.
* ``decode`` accepts any sequence of ints (a list, a tuple or a 1-D tensor). Only ONE
  leading ``<sos>`` is removed; a ``<sos>`` later in the sequence is kept as the string
  ``"<sos>"``.
* ``collate``: sequences may be empty; the padded tensors then have width
  ``max(lengths)``, possibly 0.
* ``bucketed_batch_indices``: an empty ``lengths`` gives ``[]``; batches are never empty.
  ``batch_size < 1`` or ``max_pad_len < 0`` raise ValueError (not a graded case). The
  contract's guarantees are what graders check, not this algorithm's exact batches; "left
  as built" with ``rng=None`` is checked as "the same input gives the same batches", and
  "shuffled with rng" as "all randomness comes from rng (same seed, same batches) and the
  batch ORDER changes with the seed". Using rng also inside a bin would be allowed.
* ``train_sentencepiece`` names the special pieces ``<pad> <unk> <sos> <eos>`` (the
  contract's ``bos_id=2 <sos>``; sentencepiece would call them ``<s> </s>``) and trains
  with ``minloglevel=2`` so that sentencepiece's long training log is not printed. Other
  trainer options keep sentencepiece's defaults. (``num_threads`` is free: BPE models do
  not depend on it, but unigram scores move by ~1e-5 with it, which can swap the ids of
  pieces with nearly equal scores; the unigram grader compares the piece set, the scores
  to 1e-3 and the segmentations instead of raw ids.)
* ``teacher_forcing_pair`` is only specified for ``torch.long`` ids (the course's
  convention); slicing keeps whatever dtype it gets.
* ``teacher_forcing_pair`` returns views (slices) of ``tgt``, not copies: slicing never
  changes ``tgt``.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

import sentencepiece as spm
import torch
from torch import Tensor

PAD, UNK, SOS, EOS = "<pad>", "<unk>", "<sos>", "<eos>"
SPECIALS = [PAD, UNK, SOS, EOS]
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3


# ---------------------------------------------------------------------------------------
# Text: normalisation, tokenisation, filtering
# ---------------------------------------------------------------------------------------

def normalize(text: str) -> str:
    """NFKC, lower case, strip, and every run of whitespace becomes one space.

    ``normalize("  Ｈello\\u00a0\\tWORLD ") == "hello world"``
    """
    # NFKC folds "compatibility" variants into one form: full-width letters, ligatures
    # (U+FB01 "fi" -> "fi"), the no-break space (-> " "), superscripts ("²" -> "2"), and it
    # composes "e" + combining acute into the single character "é".
    text = unicodedata.normalize("NFKC", text).lower()
    # str.split() with no argument splits on runs of any whitespace and drops the ends.
    return " ".join(text.split())


def _is_punctuation(char: str) -> bool:
    # Unicode categories Pc, Pd, Ps, Pe, Pi, Pf, Po: "," "." "¿" "«" "-" "'" ... but not
    # symbols such as "$" (Sc) or "+" (Sm), which string.punctuation would include.
    return unicodedata.category(char).startswith("P")


def tokenize(text: str) -> list[str]:
    """``normalize``, then split on spaces; every punctuation character is a token of its own.

    ``tokenize("¿Dónde está, Juan?") == ["¿", "dónde", "está", ",", "juan", "?"]``
    """
    tokens: list[str] = []
    for piece in normalize(text).split():
        word = ""
        for char in piece:
            if _is_punctuation(char):
                if word:
                    tokens.append(word)
                    word = ""
                tokens.append(char)
            else:
                word += char
        if word:
            tokens.append(word)
    return tokens


def filter_pairs(pairs: list[tuple[str, str]], max_len: int, max_ratio: float = 9.0) -> list[tuple[str, str]]:
    """Keep, in order, the pairs whose two sides both have 1..max_len tokens and whose
    length ratio (longer / shorter) is at most ``max_ratio`` (Moses clean-corpus-n)."""
    kept = []
    for source, target in pairs:
        src_len, tgt_len = len(tokenize(source)), len(tokenize(target))
        if not (1 <= src_len <= max_len and 1 <= tgt_len <= max_len):
            continue  # an empty side, or a side too long to train on
        if max(src_len, tgt_len) / min(src_len, tgt_len) > max_ratio:
            continue  # lengths this different are usually a misaligned pair
        kept.append((source, target))
    return kept


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------

class Vocab:
    """A two-way mapping between token strings and ids.

    ``itos`` ("index to string") is the list of tokens, ``stoi`` the inverse dict.
    Looking up a token that is not in the vocabulary gives the id of ``<unk>`` (1) and does
    NOT add the token.
    """

    def __init__(self, itos: list[str]):
        self.itos: list[str] = list(itos)
        self.stoi: dict[str, int] = {}
        for index, token in enumerate(self.itos):
            self.stoi.setdefault(token, index)

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, token: str) -> int:
        # dict.get, not a defaultdict: a defaultdict would insert every unknown token it is
        # asked about, and the vocabulary would grow during evaluation.
        return self.stoi.get(token, UNK_ID)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def lookup_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.itos[int(index)] for index in ids]

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {self.itos[:8]}{' ...' if len(self) > 8 else ''})"


def build_vocab(corpus: Iterable[list[str]], min_freq: int = 1, max_size: int | None = None) -> Vocab:
    """The four specials (ids 0..3), then every token seen at least ``min_freq`` times, most
    frequent first, ties in alphabetical order; at most ``max_size`` entries in all."""
    if max_size is not None and max_size < len(SPECIALS):
        raise ValueError(f"max_size must be at least {len(SPECIALS)} (the special tokens), got max_size={max_size}")
    counts: Counter[str] = Counter()
    for sentence in corpus:  # one pass: corpus may be a generator
        counts.update(sentence)
    for special in SPECIALS:  # a special met in the text keeps its special id
        counts.pop(special, None)
    frequent = [token for token, count in counts.items() if count >= min_freq]
    # Sort key: count descending, then the token itself ascending, so the result does not
    # depend on the order of the corpus (Counter.most_common breaks ties by first sight).
    frequent.sort(key=lambda token: (-counts[token], token))
    if max_size is not None:
        frequent = frequent[:max_size - len(SPECIALS)]
    return Vocab(SPECIALS + frequent)


# ---------------------------------------------------------------------------------------
# Ids: numericalize and decode
# ---------------------------------------------------------------------------------------

def numericalize(src_tokens: list[str], tgt_tokens: list[str], src_vocab: Vocab, tgt_vocab: Vocab,
                 max_len: int, *, reverse_source: bool = False) -> tuple[list[int], list[int]]:
    """Token lists -> id lists.

    source: the ids of the first ``max_len`` tokens, reversed if ``reverse_source``.
    target: ``<sos>``, the ids of the first ``max_len - 2`` tokens, ``<eos>``.
    Unknown tokens become ``<unk>`` (1).
    """
    if max_len < 2:
        raise ValueError(f"max_len must be at least 2 (room for <sos> and <eos>), got max_len={max_len}")
    # Slicing makes new lists: the caller's token lists are never changed.
    src_ids = [src_vocab[token] for token in src_tokens[:max_len]]
    if reverse_source:
        # Truncate first, then reverse: the model sees the START of the sentence last,
        # right next to the start of the target (Sutskever et al., 2014).
        src_ids = src_ids[::-1]
    # Truncate the tokens BEFORE adding the markers, so that <eos> is never cut off.
    tgt_ids = [SOS_ID] + [tgt_vocab[token] for token in tgt_tokens[:max_len - 2]] + [EOS_ID]
    return src_ids, tgt_ids


def decode(ids: Sequence[int], vocab: Vocab) -> list[str]:
    """Ids -> tokens: drop one leading ``<sos>``, stop before the first ``<eos>``, drop
    ``<pad>``; ``<unk>`` stays as the string ``"<unk>"``."""
    ids = [int(index) for index in ids]
    if ids and ids[0] == SOS_ID:
        ids = ids[1:]
    kept = []
    for index in ids:
        if index == EOS_ID:
            break
        if index != PAD_ID:
            kept.append(index)
    return vocab.lookup_tokens(kept)


# ---------------------------------------------------------------------------------------
# Batches: collate and bucketing
# ---------------------------------------------------------------------------------------

def collate(samples: list[tuple[list[int], list[int]]], pad_id: int = PAD_ID) -> tuple[Tensor, Tensor, Tensor]:
    """A list of (source ids, target ids) -> (src [B, S_max], src_lengths [B], tgt [B, T_max]).

    Samples are sorted by source length, longest first (a stable sort, so equal lengths keep
    their order), as ``pack_padded_sequence(..., enforce_sorted=True)`` requires; each side
    is padded on the right with ``pad_id``.
    """
    if not samples:
        raise ValueError("samples is empty: a batch needs at least one (source, target) pair")
    # sorted() is stable, also with reverse=True. It returns a new list: the caller's list
    # keeps its order.
    ordered = sorted(samples, key=lambda sample: len(sample[0]), reverse=True)
    src_max = max(len(src) for src, _ in ordered)
    tgt_max = max(len(tgt) for _, tgt in ordered)
    # list + list makes new lists: the caller's id lists are not padded in place.
    src = [list(src) + [pad_id] * (src_max - len(src)) for src, _ in ordered]
    tgt = [list(tgt) + [pad_id] * (tgt_max - len(tgt)) for _, tgt in ordered]
    lengths = [len(src) for src, _ in ordered]  # the true lengths, padding not counted
    return (torch.tensor(src, dtype=torch.long).reshape(len(ordered), src_max),
            torch.tensor(lengths, dtype=torch.long),
            torch.tensor(tgt, dtype=torch.long).reshape(len(ordered), tgt_max))


def bucketed_batch_indices(lengths: list[tuple[int, int]], batch_size: int, max_pad_len: int,
                           rng: random.Random | None = None) -> list[list[int]]:
    """Group sample indices into batches of similar source AND target lengths.

    Each sample goes into a 2-D bin of width ``max_pad_len + 1`` on both axes (counted from
    the smallest source and target lengths); each bin is cut into batches of at most
    ``batch_size`` in input order. Inside a bin two lengths differ by at most
    ``max_pad_len``, so no batch needs more padding than that on either side, and there
    are at most ``ceil(N / batch_size) + (number of non-empty bins)`` batches. The batch
    order is shuffled with ``rng`` when given, so that an epoch does not see all the short
    sentences first; with ``rng=None`` the batches come bin by bin.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got batch_size={batch_size}")
    if max_pad_len < 0:
        raise ValueError(f"max_pad_len must be at least 0, got max_pad_len={max_pad_len}")
    if not lengths:
        return []
    width = max_pad_len + 1
    min_src = min(src for src, _ in lengths)
    min_tgt = min(tgt for _, tgt in lengths)
    bins: dict[tuple[int, int], list[int]] = {}
    for index, (src, tgt) in enumerate(lengths):
        key = ((src - min_src) // width, (tgt - min_tgt) // width)
        bins.setdefault(key, []).append(index)
    batches = []
    for key in sorted(bins):
        members = bins[key]
        # The last batch of a bin may be smaller than batch_size: it is kept, never dropped.
        for start in range(0, len(members), batch_size):
            batches.append(members[start:start + batch_size])
    if rng is not None:
        rng.shuffle(batches)
    return batches


# ---------------------------------------------------------------------------------------
# Subwords: sentencepiece
# ---------------------------------------------------------------------------------------

def train_sentencepiece(sentences: Iterable[str], model_prefix: str, vocab_size: int,
                        model_type: str = "bpe") -> spm.SentencePieceProcessor:
    """Train a sentencepiece model with the course's special ids; write
    ``{model_prefix}.model`` and ``{model_prefix}.vocab``; return the loaded processor."""
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=model_prefix,
        vocab_size=vocab_size,
        model_type=model_type,
        # Keep every character of the corpus; the default 0.9995 maps the rarest
        # characters (accented capitals, rare punctuation) to <unk>.
        character_coverage=1.0,
        # sentencepiece's defaults are unk=0, bos=1, eos=2 and no pad at all.
        pad_id=PAD_ID, unk_id=UNK_ID, bos_id=SOS_ID, eos_id=EOS_ID,
        pad_piece=PAD, unk_piece=UNK, bos_piece=SOS, eos_piece=EOS,
        minloglevel=2,  # no training log
    )
    return spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")


# ---------------------------------------------------------------------------------------
# Teacher forcing
# ---------------------------------------------------------------------------------------

def teacher_forcing_pair(tgt: Tensor) -> tuple[Tensor, Tensor]:
    """``tgt`` [B, T] (starting with ``<sos>``) -> (decoder input, decoder target), each
    [B, T-1]: at step t the decoder reads token t and must predict token t + 1."""
    return tgt[:, :-1], tgt[:, 1:]
