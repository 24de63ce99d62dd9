"""A1, an independent correct solution in another style than the reference.

Regular expressions and itertools instead of explicit loops, torch's ``pad_sequence`` for
padding, bins kept in first-seen order, sentencepiece trained from a file (``input=``)
with one thread. ``autograder validate`` grades it like a student's submission: it must
earn full marks.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain, groupby, islice, takewhile

import sentencepiece as spm
import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence

PAD, UNK, SOS, EOS = "<pad>", "<unk>", "<sos>", "<eos>"
SPECIALS = [PAD, UNK, SOS, EOS]
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3

_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return _WHITESPACE.sub(" ", folded).strip()


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] == "P"


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for piece in normalize(text).split():
        for is_punctuation, run in groupby(piece, key=_punctuation):
            chars = list(run)
            tokens.extend(chars if is_punctuation else ["".join(chars)])
    return tokens


def filter_pairs(pairs: list[tuple[str, str]], max_len: int, max_ratio: float = 9.0) -> list[tuple[str, str]]:
    def keep(pair):
        a, b = (len(tokenize(side)) for side in pair)
        shorter, longer = sorted((a, b))
        return shorter >= 1 and longer <= max_len and longer <= max_ratio * shorter

    return [(src, tgt) for src, tgt in pairs if keep((src, tgt))]


class Vocab:
    def __init__(self, itos: list[str]):
        self.itos = [*itos]
        self.stoi = {token: index for index, token in reversed([*enumerate(self.itos)])}

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, token: str) -> int:
        try:
            return self.stoi[token]
        except KeyError:
            return UNK_ID

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def lookup_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.itos[index] for index in map(int, ids)]


def build_vocab(corpus: Iterable[list[str]], min_freq: int = 1, max_size: int | None = None) -> Vocab:
    if max_size is not None and max_size < len(SPECIALS):
        raise ValueError(f"max_size must be >= {len(SPECIALS)}, got max_size={max_size}")
    counts = Counter(token for token in chain.from_iterable(corpus) if token not in SPECIALS)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    frequent = (token for token, count in takewhile(lambda item: item[1] >= min_freq, ranked))
    room = None if max_size is None else max_size - len(SPECIALS)
    return Vocab(SPECIALS + list(islice(frequent, room)))


def numericalize(src_tokens: list[str], tgt_tokens: list[str], src_vocab: Vocab, tgt_vocab: Vocab,
                 max_len: int, *, reverse_source: bool = False) -> tuple[list[int], list[int]]:
    if max_len < 2:
        raise ValueError(f"max_len must be >= 2, got max_len={max_len}")
    source = [src_vocab[token] for token in src_tokens[:max_len]]
    target = [SOS_ID, *(tgt_vocab[token] for token in tgt_tokens[:max_len - 2]), EOS_ID]
    return (source[::-1] if reverse_source else source), target


def decode(ids: Sequence[int], vocab: Vocab) -> list[str]:
    sequence = [int(index) for index in ids]
    start = 1 if sequence[:1] == [SOS_ID] else 0
    body = takewhile(lambda index: index != EOS_ID, sequence[start:])
    return vocab.lookup_tokens([index for index in body if index != PAD_ID])


def collate(samples: list[tuple[list[int], list[int]]], pad_id: int = PAD_ID) -> tuple[Tensor, Tensor, Tensor]:
    if len(samples) == 0:
        raise ValueError("samples must not be empty")
    order = sorted(range(len(samples)), key=lambda i: -len(samples[i][0]))  # sorted() is stable

    def padded(side: int) -> Tensor:
        rows = [torch.tensor(list(samples[i][side]), dtype=torch.long) for i in order]
        return pad_sequence(rows, batch_first=True, padding_value=pad_id)

    lengths = torch.tensor([len(samples[i][0]) for i in order], dtype=torch.long)
    return padded(0), lengths, padded(1)


def bucketed_batch_indices(lengths: list[tuple[int, int]], batch_size: int, max_pad_len: int,
                           rng: random.Random | None = None) -> list[list[int]]:
    if not lengths:
        return []
    width = max_pad_len + 1
    low_src = min(src for src, _ in lengths)
    low_tgt = min(tgt for _, tgt in lengths)
    groups: defaultdict[tuple[int, int], list[int]] = defaultdict(list)  # bins in first-seen order
    for index, (src, tgt) in enumerate(lengths):
        groups[(src - low_src) // width, (tgt - low_tgt) // width].append(index)
    batches = [members[i:i + batch_size] for members in groups.values() for i in range(0, len(members), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def train_sentencepiece(sentences: Iterable[str], model_prefix: str, vocab_size: int,
                        model_type: str = "bpe") -> spm.SentencePieceProcessor:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as corpus:
        corpus.writelines(sentence + "\n" for sentence in sentences)
    try:
        spm.SentencePieceTrainer.train(
            input=corpus.name, model_prefix=model_prefix, vocab_size=vocab_size, model_type=model_type,
            character_coverage=1.0, num_threads=1, minloglevel=2,
            pad_id=PAD_ID, unk_id=UNK_ID, bos_id=SOS_ID, eos_id=EOS_ID,
            pad_piece=PAD, unk_piece=UNK, bos_piece=SOS, eos_piece=EOS)
    finally:
        os.unlink(corpus.name)
    return spm.SentencePieceProcessor(model_file=model_prefix + ".model")


def teacher_forcing_pair(tgt: Tensor) -> tuple[Tensor, Tensor]:
    steps = tgt.size(1) - 1
    return tgt.narrow(1, 0, steps), tgt.narrow(1, 1, steps)
