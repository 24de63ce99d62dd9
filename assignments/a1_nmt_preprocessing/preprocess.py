"""A1: Preprocessing for NMT.

Before a neural machine-translation model sees a single sentence, the parallel corpus goes
through a pipeline that you build here, function by function:

    raw text --normalize / tokenize--> tokens --filter_pairs--> clean pairs
             --build_vocab--> Vocab --numericalize--> id lists
             --bucketed_batch_indices--> batches of similar lengths
             --collate--> padded LongTensors --teacher_forcing_pair--> decoder input / target

plus the way back from ids to words (``decode``) and subword units (``train_sentencepiece``).
Complete every function and the ``Vocab`` class below (each body is
``raise NotImplementedError``). Read ``README.md`` first: it explains every idea with
examples.

Special tokens and ids, fixed for the whole course (keep these constants):

    <pad> = 0    <unk> = 1    <sos> = 2    <eos> = 3

You may use the standard library (``unicodedata``, ``collections``, ``random``, ``math``),
torch and sentencepiece. Do not use a ready-made tokenizer or vocabulary class (torchtext,
spaCy, NLTK, Hugging Face): the point is to build them yourself.

Rules that hold everywhere:

* Never modify the lists or tensors you are given (no ``.sort()``, ``.reverse()``,
  ``.append()`` or in-place padding on an argument): build new ones.
* Raise ``ValueError`` (with a message naming the argument) for exactly these bad
  arguments: ``numericalize`` with ``max_len < 2``, ``build_vocab`` with ``max_size < 4``,
  and ``collate([])``. What happens with other odd input is up to you; it is not tested.
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
    """Put text into one canonical form: Unicode NFKC, lower case, stripped, and every run of
    whitespace replaced by a single space (in this order).

    The same word can be written with different characters: a full-width "Ｈ", the
    ligature "ﬁ" (one character) or "e" followed by a combining accent instead of "é".
    NFKC ("compatibility composition", ``unicodedata.normalize("NFKC", text)``) maps all of
    these to one form, so they become the same vocabulary entry.

    >>> normalize("  The  ﬁrst\\tDay\\n")
    'the first day'
    >>> normalize("cafe\\u0301")        # 'e' + combining acute accent
    'café'

    Pitfalls:
    * ``str.strip()`` alone leaves the inner runs: "a \\t b" must become "a b";
    * a no-break space (U+00A0) is whitespace too (NFKC turns it into " ");
    * NFC or NFKD are not NFKC: NFC keeps the ligature "ﬁ", NFKD leaves accents apart.
    """
    raise NotImplementedError


def tokenize(text: str) -> list[str]:
    """``normalize`` the text, then split it into tokens: every character whose Unicode
    category starts with "P" (punctuation) is a token of its own; the other tokens are the
    whitespace-separated pieces that remain.

    >>> tokenize("¿Dónde está, Juan?")
    ['¿', 'dónde', 'está', ',', 'juan', '?']
    >>> tokenize("don't pay $5")
    ['don', "'", 't', 'pay', '$5']

    Pitfalls:
    * use ``unicodedata.category(char).startswith("P")``, not ``string.punctuation``: the
      latter misses "¿", "¡", "«", "»" and wrongly includes symbols such as "$" and "+";
    * punctuation inside a word splits it too ("well-known" -> "well", "-", "known");
    * no empty-string tokens: ``tokenize("")`` and ``tokenize("  ")`` are ``[]``.
    """
    raise NotImplementedError


def filter_pairs(pairs: list[tuple[str, str]], max_len: int, max_ratio: float = 9.0) -> list[tuple[str, str]]:
    """Clean a parallel corpus the way Moses' ``clean-corpus-n.perl`` does.

    Keep a pair (in its input order) if and only if BOTH sides have between 1 and
    ``max_len`` tokens (counted with ``tokenize``) and ``max(ls, lt) / min(ls, lt) <=
    max_ratio``. Return the kept pairs as they were given (the original strings).

    >>> filter_pairs([("Hi!", "¡Hola!"), ("", "nada"), ("a b c d", "x")], max_len=3, max_ratio=2)
    [('Hi!', '¡Hola!')]

    ("Hi!" has 2 tokens and "¡Hola!" 3; "" has none; 4 tokens against 1 is a ratio of 4.)

    Pitfalls: the bounds are inclusive (exactly ``max_len`` tokens, or a ratio of exactly
    ``max_ratio``, is kept); count tokens, not words separated by spaces.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------

class Vocab:
    """A two-way mapping between token strings and integer ids.

    ``Vocab(itos)`` is built from a list of tokens, its id order:

    * ``itos`` ("index to string"): ``list[str]``, the token of every id;
    * ``stoi`` ("string to index"): ``dict[str, int]``, the inverse;
    * ``len(vocab)``: the number of tokens;
    * ``vocab[token]``: the id of the token, ``1`` (``<unk>``) for a token not in it;
    * ``vocab.lookup_tokens(ids)``: the list of the tokens of these ids.

    >>> v = Vocab(["<pad>", "<unk>", "<sos>", "<eos>", "the", "cat"])
    >>> v["cat"], v["dog"], len(v)
    (5, 1, 6)
    >>> v.lookup_tokens([4, 5, 1])
    ['the', 'cat', '<unk>']

    Pitfalls:
    * a lookup must not change the vocabulary: with ``stoi = defaultdict(lambda: 1)``,
      ``stoi["dog"]`` would insert "dog"; use ``stoi.get(token, UNK_ID)``;
    * if you want ``token in vocab`` to work, define ``__contains__``: without it Python
      tries ``vocab[0]``, ``vocab[1]``, ... and, since unknown keys never raise, never stops.
    """

    def __init__(self, itos: list[str]):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, token: str) -> int:
        raise NotImplementedError

    def lookup_tokens(self, ids: Sequence[int]) -> list[str]:
        raise NotImplementedError


def build_vocab(corpus: Iterable[list[str]], min_freq: int = 1, max_size: int | None = None) -> Vocab:
    """Build the vocabulary of a tokenized corpus (an iterable of token lists).

    The result's ``itos`` is: the 4 specials ``<pad> <unk> <sos> <eos>`` (ids 0..3), then
    every token that occurs at least ``min_freq`` times, ordered by count (most frequent
    first) and, for equal counts, alphabetically (Python's ``<`` on strings). With a
    ``max_size``, keep only the first ``max_size`` entries, the 4 specials included.
    A special string found in the corpus is not added a second time.

    >>> build_vocab([["b", "a", "c"], ["a", "c"], ["d"]]).itos
    ['<pad>', '<unk>', '<sos>', '<eos>', 'a', 'c', 'b', 'd']
    >>> build_vocab([["b", "a", "c"], ["a", "c"], ["d"]], min_freq=2).itos
    ['<pad>', '<unk>', '<sos>', '<eos>', 'a', 'c']
    >>> build_vocab([["b", "a", "c"], ["a", "c"], ["d"]], max_size=5).itos
    ['<pad>', '<unk>', '<sos>', '<eos>', 'a']

    Pitfalls:
    * ``count >= min_freq``, not ``>``;
    * ``Counter.most_common()`` orders equal counts by first appearance, not alphabetically;
    * ``max_size`` counts the specials; ``max_size < 4`` raises ValueError;
    * ``corpus`` may be a generator, which can be read only once: count in one pass.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Ids: numericalize and decode
# ---------------------------------------------------------------------------------------

def numericalize(src_tokens: list[str], tgt_tokens: list[str], src_vocab: Vocab, tgt_vocab: Vocab,
                 max_len: int, *, reverse_source: bool = False) -> tuple[list[int], list[int]]:
    """Turn a tokenized pair into two lists of ids.

    * source: the ids of the first ``max_len`` source tokens, without ``<sos>``/``<eos>``
      (the encoder only reads it). With ``reverse_source=True`` that truncated list is
      then reversed (the trick of Sutskever et al., 2014).
    * target: ``[<sos>] + ids of the first max_len - 2 target tokens + [<eos>]``, so at
      most ``max_len`` ids, always ending with ``<eos>``.
    * unknown tokens get the id of ``<unk>`` (1) on both sides.

    With ``src_vocab.itos = [... specials ..., "the", "cat"]`` and
    ``tgt_vocab.itos = [... specials ..., "el", "gato"]``:

    >>> numericalize(["the", "cat", "sat"], ["el", "gato", "negro"], src_vocab, tgt_vocab, 4)
    ([4, 5, 1], [2, 4, 5, 3])
    >>> numericalize(["the", "cat", "sat"], ["el", "gato"], src_vocab, tgt_vocab, 2, reverse_source=True)
    ([5, 4], [2, 3])

    Pitfalls:
    * truncate the tokens before adding ``<sos>``/``<eos>``: cutting
      ``[<sos>] + ids + [<eos>]`` to ``max_len`` loses the ``<eos>``;
    * reverse after truncating (the source keeps its FIRST tokens), and only the source;
    * ``max_len < 2`` raises ValueError.
    """
    raise NotImplementedError


def decode(ids: Sequence[int], vocab: Vocab) -> list[str]:
    """Turn ids (for example a model's output) back into tokens.

    Drop one leading ``<sos>``, stop before the first ``<eos>`` (everything after it is
    ignored), leave out ``<pad>``. ``<unk>`` stays, as the string ``"<unk>"``; any other
    id, a later ``<sos>`` included, becomes its token.

    With ``vocab.itos = ["<pad>", "<unk>", "<sos>", "<eos>", "el", "gato"]``:

    >>> decode([2, 4, 1, 5, 3, 0, 0], vocab)
    ['el', '<unk>', 'gato']
    >>> decode([4, 5], vocab)          # no <sos>, no <eos>: decode everything
    ['el', 'gato']
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Batches: collate and bucketing
# ---------------------------------------------------------------------------------------

def collate(samples: list[tuple[list[int], list[int]]], pad_id: int = PAD_ID) -> tuple[Tensor, Tensor, Tensor]:
    """Turn a list of (source ids, target ids) pairs into padded tensors for an RNN.

    1. Sort the samples by source length, longest first, with a stable sort (samples with
       equal source lengths keep their input order); each target stays with its source.
    2. Pad every source on the right with ``pad_id`` up to the longest source, and every
       target up to the longest target.

    Returns ``(src, src_lengths, tgt)``: ``src`` ``[B, S_max]``, ``src_lengths`` ``[B]``
    (the true, unpadded source lengths), ``tgt`` ``[B, T_max]``, all ``torch.long``.

    >>> collate([([4, 5], [2, 6, 3]), ([7, 8, 9], [2, 3])])
    (tensor([[7, 8, 9],
             [4, 5, 0]]), tensor([3, 2]), tensor([[2, 3, 0],
             [2, 6, 3]]))

    Why sorted: ``nn.utils.rnn.pack_padded_sequence`` needs the lengths in decreasing order
    (unless called with ``enforce_sorted=False``). The result does not depend on the order
    the samples arrive in (apart from ties). ``collate([])`` raises ValueError.

    Pitfalls: ``sorted(..., key=..., reverse=True)`` is stable; sorting ascending and then
    reversing is not (ties come out backwards). ``samples.sort()`` would reorder the
    caller's list, ``ids += [pad_id] * k`` would pad the caller's lists.
    """
    raise NotImplementedError


def bucketed_batch_indices(lengths: list[tuple[int, int]], batch_size: int, max_pad_len: int,
                           rng: random.Random | None = None) -> list[list[int]]:
    """Group sample indices into batches of similar lengths, to avoid wasting compute on padding.

    ``lengths[i]`` is ``(source length, target length)`` of sample i. Return a list of
    batches (lists of indices into ``lengths``) such that:

    * every index 0..N-1 is in exactly one batch (nothing is dropped, no batch is empty);
    * no batch has more than ``batch_size`` indices;
    * inside every batch, ``max - min <= max_pad_len`` for the source lengths AND for the
      target lengths (so no row needs more than ``max_pad_len`` pad tokens on either side);
    * there are at most ``ceil(N / batch_size) + B`` batches, where B is the number of
      non-empty 2-D bins of width ``max_pad_len + 1``: sample i is in bin
      ``((src_i - min_src) // (max_pad_len + 1), (tgt_i - min_tgt) // (max_pad_len + 1))``,
      with min_src and min_tgt the smallest source and target lengths of the input;
    * with an ``rng``, the ORDER of the batches is shuffled with it (``rng.shuffle``), so
      that training does not always see the short sentences first; with ``rng=None`` the
      batches are returned in the order you built them (same input, same output).

    A simple way to meet all of these: put each index into its bin, cut every bin into
    chunks of at most ``batch_size``, then shuffle the list of chunks if there is an rng.

    >>> bucketed_batch_indices([(5, 6), (1, 2), (5, 5), (9, 9), (1, 1)], batch_size=2, max_pad_len=1)
    [[1, 4], [0, 2], [3]]

    (One valid answer, the one the simple way gives: samples 1 and 4 share bin (0, 0),
    0 and 2 bin (2, 2), 3 is alone in bin (4, 4). Other groupings that keep every rule are
    fine too.)

    Pitfalls: keep the last, smaller batch of a bin; look at the target lengths too; use
    the ``rng`` you are given (not the ``random`` module's global functions).
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Subwords: sentencepiece
# ---------------------------------------------------------------------------------------

def train_sentencepiece(sentences: Iterable[str], model_prefix: str, vocab_size: int,
                        model_type: str = "bpe") -> spm.SentencePieceProcessor:
    """Train a sentencepiece subword model and return it, loaded.

    Train on ``sentences`` (raw text, one sentence per item) with ``vocab_size`` pieces,
    the given ``model_type`` ("bpe" or "unigram"), ``character_coverage=1.0`` and the
    course's special ids and pieces:

        pad_id=0 "<pad>", unk_id=1 "<unk>", bos_id=2 "<sos>", eos_id=3 "<eos>"

    (``pad_piece``, ``unk_piece``, ``bos_piece``, ``eos_piece``). The trainer writes
    ``{model_prefix}.model`` and ``{model_prefix}.vocab``; return
    ``spm.SentencePieceProcessor(model_file=f"{model_prefix}.model")``.

    ``spm.SentencePieceTrainer.train(...)`` takes the options as keyword arguments and the
    text either as a file (``input=``) or as ``sentence_iterator=iter(sentences)``.

    >>> sp = train_sentencepiece(verses, "a1_bpe", vocab_size=500)
    >>> sp.pad_id(), sp.unk_id(), sp.bos_id(), sp.eos_id()
    (0, 1, 2, 3)
    >>> sp.encode_as_pieces("And God said")      # the exact pieces depend on the corpus
    ['▁And', '▁God', '▁said']

    Pitfalls: sentencepiece's own defaults are different (unk=0, bos=1, eos=2, no pad at
    all, and pieces named ``<s>``/``</s>``), and its default ``character_coverage=0.9995``
    maps the rarest characters to ``<unk>``. Training logs a lot; ``minloglevel=2`` keeps it
    quiet.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------------------
# Teacher forcing
# ---------------------------------------------------------------------------------------

def teacher_forcing_pair(tgt: Tensor) -> tuple[Tensor, Tensor]:
    """Split a padded target batch ``tgt`` ``[B, T]`` (every row starts with ``<sos>``) into
    the decoder's input and the tokens it must predict, each ``[B, T-1]``:

        decoder_input  = tgt[:, :-1]      (from <sos>, without the last position)
        decoder_target = tgt[:, 1:]       (without <sos>: the next token at every step)

    >>> teacher_forcing_pair(torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0]]))
    (tensor([[2, 5, 6],
             [2, 7, 3]]), tensor([[5, 6, 3],
             [7, 3, 0]]))

    At step t the decoder reads the true token t (teacher forcing) and is trained to output
    token t+1. The dtype of ``tgt`` is kept.
    """
    raise NotImplementedError
