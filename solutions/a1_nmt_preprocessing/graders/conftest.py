"""Fixtures and helpers shared by the A1 (preprocessing for NMT) graders.

The graders run in the trusted process and never import student code: ``student.module(
"preprocess")`` is a proxy whose calls run in the sandboxed child. Lists, tuples, dicts,
strings, numbers and tensors cross as data (copies); a student's ``Vocab`` or
``SentencePieceProcessor`` stays in the child and comes back as a handle whose attributes
and methods still work (``v.itos``, ``len(v)``, ``v["cat"]``, ``sp.pad_id()``), and a
handle can be passed back into student functions. Objects that must live in the child
(a ``random.Random`` for ``bucketed_batch_indices``, an iterator, a ``functools.partial``
that keeps the arguments of a call so that we can look at them afterwards) are created
there with ``student.module("random").Random(seed)`` and the like.

Only assert messages reach students (assertion rewriting is off), so every check builds
a message naming the concept, the (small) input, what came back and what was expected.
Generated cases come from the secret-seeded ``rng`` fixture, grow from small to large,
and a test stops at the first mismatch.

The oracles below are the grader's own implementation of COURSE_API.md's A1 contract;
sentencepiece itself, trained here with the contract's options, is the oracle for
``train_sentencepiece``. The real data is ``autograder.datasets.parallel_sample()``:
English / Spanish Bible verse pairs.
"""

from __future__ import annotations

import functools
import io
import math
import unicodedata
from collections import Counter

import pytest

SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3

# Everyday words (English and Spanish) for generated corpora: small pools make ties common.
WORDS = ("the a of and to in is it that was he for on are with as his they at be this from "
         "el la de que y en los se del las un por con no una su para es al lo como más pero "
         "niño año señor corazón agua luz tierra").split()


@pytest.fixture
def pre(student):
    return student.module("preprocess")


@pytest.fixture
def util():
    return Util


@functools.lru_cache(maxsize=1)
def _sample() -> tuple[tuple[str, str], ...]:
    from autograder.datasets import parallel_sample

    pairs = tuple((str(en), str(es)) for en, es in parallel_sample())
    if len(pairs) < 500:
        raise RuntimeError(f"parallel_sample() returned only {len(pairs)} pairs")
    return pairs


@functools.lru_cache(maxsize=8)
def _sentencepiece_oracle(sentences: tuple[str, ...], vocab_size: int, model_type: str):
    """sentencepiece trained here with the contract's options: (processor, list of pieces)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=vocab_size,
        model_type=model_type, character_coverage=1.0,
        pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        pad_piece="<pad>", unk_piece="<unk>", bos_piece="<sos>", eos_piece="<eos>",
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pieces = processor.id_to_piece(list(range(processor.get_piece_size())))
    return processor, pieces


class Util:
    """Namespace of grader helpers (a fixture, so it works under any pytest import mode)."""

    SPECIALS = SPECIALS
    WORDS = WORDS

    # ---- describing values and calls -----------------------------------------------------

    @staticmethod
    def shown(value, limit=300):
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + " ..."

    @staticmethod
    def call(name, *args, **kwargs):
        """``tokenize('Hello, world!')``: a call students can paste (long arguments cut)."""
        parts = [Util.shown(arg, 400) for arg in args] + [f"{k}={Util.shown(v, 200)}" for k, v in kwargs.items()]
        return f"{name}({', '.join(parts)})"

    @staticmethod
    def first_difference(got, want):
        """Index of the first position where two sequences differ (or the shorter length)."""
        for index, (a, b) in enumerate(zip(got, want)):
            if a != b:
                return index
        return min(len(got), len(want))

    # ---- converting what the student returned ------------------------------------------

    @staticmethod
    def is_tensor(value):
        return type(value).__module__.split(".")[0] == "torch" and hasattr(value, "dtype")

    @staticmethod
    def str_list(value, call):
        if not isinstance(value, (list, tuple)) or not all(isinstance(t, str) for t in value):
            raise AssertionError(f"{call} returned {Util.shown(value)} (type {type(value).__name__}); "
                                 f"expected a list of strings")
        return list(value)

    @staticmethod
    def int_list(value, call):
        """A list of ints from a list/tuple of ints or a 1-D integer tensor."""
        if Util.is_tensor(value):
            if value.dim() != 1 or value.dtype.is_floating_point:
                raise AssertionError(f"{call} returned a tensor of shape {tuple(value.shape)} and dtype "
                                     f"{value.dtype}; expected a list of ints")
            return [int(x) for x in value.tolist()]
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(x, int) and not isinstance(x, bool) for x in value):
            raise AssertionError(f"{call} returned {Util.shown(value)}; expected a list of ints")
        return list(value)

    @staticmethod
    def sequence(value, size, call, what):
        if not isinstance(value, (tuple, list)) or len(value) != size:
            raise AssertionError(f"{call} returned {Util.shown(value)}; expected a tuple of {size} {what}")
        return list(value)

    @staticmethod
    def long_tensor(value, name, call):
        import torch

        if not Util.is_tensor(value):
            raise AssertionError(f"{call}: {name} is {Util.shown(value, 120)} (type {type(value).__name__}); "
                                 f"expected a torch tensor")
        if value.dtype != torch.long:
            raise AssertionError(f"{call}: {name} has dtype {value.dtype}; token ids and lengths must be "
                                 f"torch.long (int64): nn.Embedding and pack_padded_sequence expect it")
        return value

    # ---- student objects --------------------------------------------------------------

    @staticmethod
    def vocab(pre, itos):
        """A student Vocab built from a list of tokens."""
        return pre.Vocab(list(itos))

    @staticmethod
    def itos_of(vocab, call):
        itos = vocab.itos
        if not isinstance(itos, (list, tuple)) or not all(isinstance(t, str) for t in itos):
            raise AssertionError(f"{call} returned a Vocab whose itos is {Util.shown(itos)}; expected a "
                                 f"list of token strings")
        return list(itos)

    # ---- oracles (the contract, written out) --------------------------------------------

    @staticmethod
    def normalize(text):
        return " ".join(unicodedata.normalize("NFKC", text).lower().split())

    @staticmethod
    def tokenize(text):
        spaced = "".join(f" {c} " if unicodedata.category(c)[0] == "P" else c for c in Util.normalize(text))
        return spaced.split()

    @staticmethod
    def keep_pair(src_len, tgt_len, max_len, max_ratio):
        if not (1 <= src_len <= max_len and 1 <= tgt_len <= max_len):
            return False
        return max(src_len, tgt_len) / min(src_len, tgt_len) <= max_ratio

    @staticmethod
    def filter_pairs(pairs, max_len, max_ratio=9.0):
        return [tuple(p) for p in pairs
                if Util.keep_pair(len(Util.tokenize(p[0])), len(Util.tokenize(p[1])), max_len, max_ratio)]

    @staticmethod
    def build_itos(corpus, min_freq=1, max_size=None):
        counts = Counter(token for sentence in corpus for token in sentence if token not in SPECIALS)
        ranked = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[:max(0, max_size - 4)]
        return SPECIALS + ranked

    @staticmethod
    def numericalize(src, tgt, src_itos, tgt_itos, max_len, reverse_source=False):
        src_index = {t: i for i, t in reversed(list(enumerate(src_itos)))}
        tgt_index = {t: i for i, t in reversed(list(enumerate(tgt_itos)))}
        src_ids = [src_index.get(t, UNK_ID) for t in src[:max_len]]
        if reverse_source:
            src_ids.reverse()
        return src_ids, [SOS_ID] + [tgt_index.get(t, UNK_ID) for t in tgt[:max_len - 2]] + [EOS_ID]

    @staticmethod
    def decode(ids, itos):
        ids = list(ids)
        if ids[:1] == [SOS_ID]:
            ids = ids[1:]
        if EOS_ID in ids:
            ids = ids[:ids.index(EOS_ID)]
        return [itos[i] for i in ids if i != PAD_ID]

    @staticmethod
    def collate(samples, pad_id=0):
        """(src rows, lengths, tgt rows) as lists, from a stable longest-first sort."""
        order = sorted(range(len(samples)), key=lambda i: -len(samples[i][0]))
        s_max = max(len(samples[i][0]) for i in order)
        t_max = max(len(samples[i][1]) for i in order)
        src = [list(samples[i][0]) + [pad_id] * (s_max - len(samples[i][0])) for i in order]
        tgt = [list(samples[i][1]) + [pad_id] * (t_max - len(samples[i][1])) for i in order]
        return src, [len(samples[i][0]) for i in order], tgt

    @staticmethod
    def bucket_bound(lengths, batch_size, max_pad_len):
        """The contract's bound on the number of batches, and the number of non-empty bins."""
        width = max_pad_len + 1
        s0 = min(s for s, _ in lengths)
        t0 = min(t for _, t in lengths)
        bins = {((s - s0) // width, (t - t0) // width) for s, t in lengths}
        return math.ceil(len(lengths) / batch_size) + len(bins), len(bins)

    # ---- hints: the most likely reason for a wrong answer ---------------------------------

    @staticmethod
    def source_hint(got, want, src, src_itos, max_len, reverse_source):
        index = {t: i for i, t in reversed(list(enumerate(src_itos)))}
        ids = [index.get(t, UNK_ID) for t in src]
        if got[:1] == [SOS_ID] or got[-1:] == [EOS_ID]:
            return "the source gets no <sos> (2) or <eos> (3): only the target is wrapped in them"
        if reverse_source and got == ids[::-1][:max_len]:
            return ("reverse AFTER truncating: the source keeps its first max_len tokens, in reverse order "
                    "(you reversed the whole sentence and then cut it, which keeps its END)")
        if reverse_source and got == want[::-1]:
            return "with reverse_source=True the (truncated) source ids must come in reverse order"
        if not reverse_source and got == want[::-1]:
            return "the source is reversed only when reverse_source=True"
        if len(got) != len(want):
            return f"the source is cut to its first max_len={max_len} tokens (no markers in the source)"
        return "source ids are vocab[token], 1 (<unk>) for unknown tokens"

    @staticmethod
    def target_hint(got, want, tgt, tgt_itos, max_len):
        index = {t: i for i, t in reversed(list(enumerate(tgt_itos)))}
        ids = [index.get(t, UNK_ID) for t in tgt]
        if got[:1] != [SOS_ID] or got[-1:] != [EOS_ID]:
            if got[:1] == [SOS_ID] and len(got) == max_len and got == ([SOS_ID] + ids + [EOS_ID])[:max_len]:
                return ("the target lost its <eos>: cut the TOKENS to max_len - 2 before adding <sos> and "
                        "<eos>, so the target always ends with <eos> (3)")
            return "the target is <sos> (2), the ids of its first max_len - 2 tokens, then <eos> (3)"
        if got[1:-1] == want[1:-1][::-1] and got != want:
            return "reverse_source reverses only the source; the target keeps its order"
        if len(got) > max_len:
            return f"the target, <sos> and <eos> included, has at most max_len={max_len} ids"
        if len(got) != len(want):
            return f"keep the first max_len - 2 = {max_len - 2} target tokens, then <eos>"
        return "target ids are vocab[token], 1 (<unk>) for unknown tokens"

    @staticmethod
    def collate_hint(got_src, got_lengths, got_tgt, samples, pad_id):
        """The most likely reason a collated batch differs from the expected one."""
        want_src, want_lengths, want_tgt = Util.collate(samples, pad_id)
        if got_lengths != want_lengths:
            if sorted(got_lengths) == sorted(want_lengths):
                if got_lengths == sorted(got_lengths):
                    return ("sort LONGEST first: src_lengths must be in descending order "
                            "(pack_padded_sequence needs that)")
                return "the samples must be sorted by source length, longest first"
            if len(set(got_lengths)) == 1 and got_src and got_lengths[0] == len(got_src[0]):
                return "src_lengths are the true source lengths, without the padding"
            return "src_lengths[i] is the number of real (unpadded) tokens of source row i"
        for name, rows in (("sources", got_src), ("targets", got_tgt)):
            for row in rows:
                if row and row[0] == pad_id and row[-1] != pad_id:
                    return f"pad the {name} on the RIGHT: the tokens come first, then pad_id={pad_id}"
        ordered = sorted(samples, key=lambda sample: -len(sample[0]))
        for side, rows, want_rows in ((0, got_src, want_src), (1, got_tgt, want_tgt)):
            for row, want_row, sample in zip(rows, want_rows, ordered):
                real = len(sample[side])
                if len(row) == len(want_row) and row[:real] == want_row[:real] and row[real:] != want_row[real:]:
                    return f"pad with the pad_id argument ({pad_id}), not a fixed value"
        got_pairs = sorted(zip(map(tuple, got_src), map(tuple, got_tgt)))
        want_pairs = sorted(zip(map(tuple, want_src), map(tuple, want_tgt)))
        if got_pairs == want_pairs:
            return ("samples with equal source lengths must keep their input order: use a stable sort such as "
                    "sorted(samples, key=..., reverse=True); sorting ascending and then reversing puts ties "
                    "backwards")
        if sorted(got_src) == sorted(want_src) and sorted(got_tgt) == sorted(want_tgt):
            return ("each target must stay with its own source: sort the (source, target) pairs, not the two "
                    "sides separately")
        return "sort the pairs by source length (longest first, stable) and pad each side on the right with pad_id"

    # ---- checks --------------------------------------------------------------------------

    @staticmethod
    def check_buckets(got, lengths, batch_size, max_pad_len, call):
        """Every guarantee of bucketed_batch_indices; fails with the first broken one."""
        n = len(lengths)
        if not isinstance(got, (list, tuple)) or not all(isinstance(b, (list, tuple)) for b in got):
            raise AssertionError(f"{call} returned {Util.shown(got)}; expected a list of batches, each a "
                                 f"list of sample indices")
        batches = []
        for batch in got:
            indices = Util.int_list(batch, call)
            batches.append(indices)
        seen = Counter(i for batch in batches for i in batch)
        outside = sorted(i for i in seen if not 0 <= i < n)
        if outside:
            raise AssertionError(f"{call}: index {outside[0]} is not a sample index (there are {n} samples, "
                                 f"indices 0..{n - 1})")
        repeated = sorted(i for i, c in seen.items() if c > 1)
        if repeated:
            raise AssertionError(f"{call}: sample {repeated[0]} is in {seen[repeated[0]]} batches; the "
                                 f"batches must be a partition: every index exactly once")
        missing = sorted(set(range(n)) - set(seen))
        if missing:
            raise AssertionError(
                f"{call}: {len(missing)} of the {n} samples are in no batch (e.g. index {missing[0]}, "
                f"lengths {lengths[missing[0]]}); every index must be in exactly one batch: is a last, "
                f"partial batch dropped?")
        for number, batch in enumerate(batches):
            if not batch:
                raise AssertionError(f"{call}: batch {number} is empty; a partition has no empty batches")
            if len(batch) > batch_size:
                raise AssertionError(f"{call}: batch {number} has {len(batch)} samples, more than "
                                     f"batch_size={batch_size}")
            for side, name in ((0, "source"), (1, "target")):
                values = [lengths[i][side] for i in batch]
                if max(values) - min(values) > max_pad_len:
                    raise AssertionError(
                        f"{call}: batch {number} = {Util.shown(batch, 120)} has {name} lengths "
                        f"{Util.shown(values, 160)}: max - min = {max(values) - min(values)} > "
                        f"max_pad_len={max_pad_len}. Both the source AND the target lengths of a batch "
                        f"must lie within max_pad_len of each other")
        bound, bins = Util.bucket_bound(lengths, batch_size, max_pad_len)
        if len(batches) > bound:
            raise AssertionError(
                f"{call}: {len(batches)} batches for {n} samples; the contract allows at most "
                f"ceil(N / batch_size) + (non-empty 2-D bins of width max_pad_len + 1) = "
                f"{math.ceil(n / batch_size)} + {bins} = {bound}. Put samples whose lengths fall in the "
                f"same bin together (one group per bin, not per exact length) and fill batches up to "
                f"batch_size")
        return batches

    @staticmethod
    def expect_value_error(function, call, why):
        try:
            result = function()
        except ValueError:
            return
        raise AssertionError(f"{call} returned {Util.shown(result, 120)} instead of raising ValueError: {why}")

    # ---- generated inputs (all from the secret-seeded rng) ----------------------------------

    @staticmethod
    def sizes(count, largest):
        """count case sizes growing from 1 to largest: small cases come (and fail) first."""
        return [1 + (largest - 1) * i // max(1, count - 1) for i in range(count)]

    @staticmethod
    def zipf_sentence(rng, pool, length):
        weights = [1.0 / (rank + 1) for rank in range(len(pool))]
        return rng.choices(pool, weights=weights, k=length)

    @staticmethod
    def corpus(rng, size, pool=None):
        pool = list(pool or WORDS)
        rng.shuffle(pool)
        pool = pool[:rng.randint(2, min(len(pool), 3 + 2 * size))]
        return [Util.zipf_sentence(rng, pool, rng.randint(1, 2 + size)) for _ in range(rng.randint(1, 1 + size))]

    @staticmethod
    def lengths(rng, n, max_len=50, noise=6):
        """(source, target) length pairs: targets correlate with sources, with noise."""
        result = []
        for _ in range(n):
            s = rng.randint(1, max_len)
            t = max(1, round(s * rng.uniform(0.7, 1.4)) + rng.randint(-noise, noise))
            result.append((s, t))
        return result

    # ---- the real data --------------------------------------------------------------------

    @staticmethod
    def sample_pairs():
        return list(_sample())

    @staticmethod
    def sample_sentences(rng, count):
        """count sentences from both sides of the parallel sample (no line breaks)."""
        sentences = [s for pair in _sample() for s in pair if s.strip() and "\n" not in s and "\r" not in s]
        return rng.sample(sentences, min(count, len(sentences)))

    @staticmethod
    def sentencepiece_oracle(sentences, vocab_size, model_type):
        return _sentencepiece_oracle(tuple(sentences), vocab_size, model_type)
