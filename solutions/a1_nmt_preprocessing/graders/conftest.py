"""Fixtures, oracles and case generators of the A1 (preprocessing for NMT) graders.

Checks, calls and evidence come from the graders' toolkit (``autograder.toolkit``); what
is here is A1's own:

- ``oracle``: COURSE_API.md's A1 contract written out by the graders (never the
  reference), and sentencepiece itself trained here with the contract's options;
- :class:`Then`: a call and what the grader reads from its result, shown as the student
  would type it (``build_vocab(corpus).itos[:4]``), so that a check looks at one rule;
- ``vocab(itos)``, ``seeded(seed)`` and ``iterator(items)``: arguments that student code
  needs as objects. A ``Vocab`` given to ``numericalize`` or ``decode`` is a correct one (a
  mistake in the student's ``Vocab`` class costs its own concept only); a
  ``random.Random`` for ``bucketed_batch_indices`` and an iterator for ``build_vocab``
  have to live in the student process. Each is a :class:`Twin`: student code receives the
  object built in its process; here, where the known mistakes are asked what they would
  answer, the same argument is the grader's copy;
- ``cases``: generated inputs (from the secret-seeded ``rng`` fixture) and the real
  English/Spanish sample (``autograder.datasets.parallel_sample()``);
- ``a1``: :class:`Then`, :func:`attempt` and ``SPECIALS`` for the test files, which cannot
  import this conftest (pytest imports graders with ``--import-mode=importlib``).
"""

from __future__ import annotations

import copy
import functools
import io
import math
import random
import types
import unicodedata
from collections import Counter

import pytest

from autograder.remote import RemoteObject
from autograder.toolkit import Call, describe, expect_equal, instance, memo

SPECIALS = ["<pad>", "<unk>", "<sos>", "<eos>"]
PAD_ID, UNK_ID, SOS_ID, EOS_ID = 0, 1, 2, 3

# Everyday words (English and Spanish) for generated corpora: small pools make ties common.
WORDS = ("the a of and to in is it that was he for on are with as his they at be this from "
         "el la de que y en los se del las un por con no una su para es al lo como más pero "
         "niño año señor corazón agua luz tierra").split()


@pytest.fixture
def pre(student):
    return student.module("preprocess")


# ---- the contract, written out -------------------------------------------------------------

def normalize(text):
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def tokenize(text):
    spaced = "".join(f" {c} " if unicodedata.category(c)[0] == "P" else c for c in normalize(text))
    return spaced.split()


def keep_pair(src_len, tgt_len, max_len, max_ratio):
    if not (1 <= src_len <= max_len and 1 <= tgt_len <= max_len):
        return False
    return max(src_len, tgt_len) / min(src_len, tgt_len) <= max_ratio


def filter_pairs(pairs, max_len, max_ratio=9.0):
    return [tuple(p) for p in pairs if keep_pair(len(tokenize(p[0])), len(tokenize(p[1])), max_len, max_ratio)]


def build_itos(corpus, min_freq=1, max_size=None):
    counts = Counter(token for sentence in corpus for token in sentence if token not in SPECIALS)
    ranked = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    if max_size is not None:
        ranked = ranked[:max(0, max_size - 4)]
    return SPECIALS + ranked


def numericalize(src, tgt, src_itos, tgt_itos, max_len, reverse_source=False):
    src_index = {t: i for i, t in reversed(list(enumerate(src_itos)))}
    tgt_index = {t: i for i, t in reversed(list(enumerate(tgt_itos)))}
    src_ids = [src_index.get(t, UNK_ID) for t in src[:max_len]]
    if reverse_source:
        src_ids.reverse()
    return src_ids, [SOS_ID] + [tgt_index.get(t, UNK_ID) for t in tgt[:max_len - 2]] + [EOS_ID]


def decode(ids, itos):
    ids = list(ids)
    if ids[:1] == [SOS_ID]:
        ids = ids[1:]
    if EOS_ID in ids:
        ids = ids[:ids.index(EOS_ID)]
    return [itos[i] for i in ids if i != PAD_ID]


def collate(samples, pad_id=0):
    """(src rows, lengths, tgt rows) as lists, from a stable longest-first sort."""
    order = sorted(range(len(samples)), key=lambda i: -len(samples[i][0]))
    s_max = max(len(samples[i][0]) for i in order)
    t_max = max(len(samples[i][1]) for i in order)
    src = [list(samples[i][0]) + [pad_id] * (s_max - len(samples[i][0])) for i in order]
    tgt = [list(samples[i][1]) + [pad_id] * (t_max - len(samples[i][1])) for i in order]
    return src, [len(samples[i][0]) for i in order], tgt


def bins(lengths, max_pad_len):
    """The non-empty 2-D length bins of width max_pad_len + 1 (from the smallest lengths)."""
    width = max_pad_len + 1
    s0, t0 = min(s for s, _ in lengths), min(t for _, t in lengths)
    return {((s - s0) // width, (t - t0) // width) for s, t in lengths}


def batch_bound(lengths, batch_size, max_pad_len):
    """The contract's largest number of batches: ceil(N / batch_size) + non-empty bins."""
    return math.ceil(len(lengths) / batch_size) + len(bins(lengths, max_pad_len))


class Vocab:
    """The grader's Vocab: what the known mistakes receive where student code gets its twin."""

    def __init__(self, itos):
        self.itos = list(itos)
        self.stoi = {}
        for index, token in enumerate(self.itos):
            self.stoi.setdefault(token, index)

    def __len__(self):
        return len(self.itos)

    def __getitem__(self, token):
        return self.stoi.get(token, UNK_ID)

    def __contains__(self, token):
        return token in self.stoi

    def lookup_tokens(self, ids):
        return [self.itos[int(i)] for i in ids]

    def __repr__(self):
        return f"Vocab({self.itos!r})"


@functools.lru_cache(maxsize=1)
def _sample():
    from autograder.datasets import parallel_sample

    pairs = tuple((str(en), str(es)) for en, es in parallel_sample())
    if len(pairs) < 500:
        raise RuntimeError(f"parallel_sample() returned only {len(pairs)} pairs")
    return pairs


def _sentencepiece(sentences, vocab_size, model_type):
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, vocab_size=vocab_size,
        model_type=model_type, character_coverage=1.0,
        pad_id=0, unk_id=1, bos_id=2, eos_id=3,
        pad_piece="<pad>", unk_piece="<unk>", bos_piece="<sos>", eos_piece="<eos>",
        minloglevel=2,
    )
    return model.getvalue()


def sentencepiece(sentences, vocab_size, model_type="bpe"):
    """sentencepiece trained here with the contract's options (the processor). The model is
    kept for the grading process (``autograder.toolkit.memo``): validate grades every
    mutant with one seed, so with the same sentences."""
    import sentencepiece as spm

    sentences = tuple(sentences)
    proto = memo.remembered(("a1 sentencepiece", sentences, vocab_size, model_type),
                            lambda: _sentencepiece(sentences, vocab_size, model_type))
    return spm.SentencePieceProcessor(model_proto=proto)


@pytest.fixture
def oracle():
    return types.SimpleNamespace(
        normalize=normalize, tokenize=tokenize, filter_pairs=filter_pairs, build_itos=build_itos,
        numericalize=numericalize, decode=decode, collate=collate, bins=bins, batch_bound=batch_bound,
        sentencepiece=sentencepiece, Vocab=Vocab)


# ---- what a check reads from a result ---------------------------------------------------------

RETURNS_OBJECT = {"Vocab": "a Vocab", "build_vocab": "a Vocab (with .itos and .stoi)",
                  "train_sentencepiece": "a sentencepiece.SentencePieceProcessor"}
"""What these functions return: an object, never plain data (checked before it is read)."""


class Then(Call):
    """A call, and what the grader reads from its result: ``Then("{}.itos[:4]", read,
    "build_vocab", corpus)`` is shown as ``build_vocab(corpus).itos[:4]``. ``read`` is
    applied to the student's result and, to recognise a known mistake, to each mistake's."""

    def __init__(self, shown, read, function, *args, **kwargs):
        super().__init__(function, *args, **kwargs)
        self.shown = shown
        self.read = read

    def __str__(self):
        return self.shown.format(Call.__str__(self))

    __repr__ = __str__

    def result(self, module):
        """Run the call; a function that returns an object must have returned one."""
        value = self.run(module)
        if self.function in RETURNS_OBJECT:
            instance(value, Call.__str__(self), RETURNS_OBJECT[self.function])
        return value

    def check(self, module, want, *, rule, mistakes, show=describe, notes=(), seen=None):
        """Run the call, read the result, expect ``want``; return what was read. ``seen`` is
        given the student's result before it is read (for a picture of it)."""
        value = self.result(module)
        if seen is not None:
            seen(value)
        got = self.read(value)
        expect_equal(got, want, self, rule=rule, mistakes=mistakes, normalize=self.read, show=show, notes=notes)
        return got


class Raised:
    """What a read gives where the operation raised: equal for the same exception type."""

    def __init__(self, error):
        self.name = getattr(error, "type_name", "") or type(error).__name__

    def __eq__(self, other):
        return isinstance(other, Raised) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"nothing: it raised {self.name}"


def attempt(operation, *args):
    """``operation(*args)``, or :class:`Raised` where it raises."""
    try:
        return operation(*args)
    except Exception as error:  # noqa: BLE001 - the student's (a StudentError) or a known mistake's
        return Raised(error)


# ---- arguments that are objects ------------------------------------------------------------

class Twin(RemoteObject):
    """One argument in two places: student code receives ``remote`` (built in the student
    process); here, where the known mistakes run, it is ``local``. A copy keeps the remote
    object and copies the local one, so a copied ``random.Random`` starts where the
    original did, and a Vocab is the same argument before and after a call."""

    __slots__ = ("_local",)

    def __init__(self, local, remote: RemoteObject):
        super().__init__(remote._session, remote._id, remote._generation, remote._path, remote._type)
        object.__setattr__(self, "_local", local)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self._local, name)

    def __getitem__(self, key):
        return self._local[key]

    def __len__(self):
        return len(self._local)

    def __contains__(self, key):
        return key in self._local

    def __iter__(self):
        return iter(self._local)

    def __repr__(self):
        return repr(self._local)

    def __deepcopy__(self, memo):
        return Twin(copy.deepcopy(self._local, memo), self)

    def __eq__(self, other):
        """The same object of the student process (what a call left in its arguments)."""
        if not isinstance(other, RemoteObject) or other._session is not self._session:
            return NotImplemented
        return bool(self._session.module("operator").is_(self, other))

    __hash__ = object.__hash__


@pytest.fixture
def vocab(student):
    """``vocab(itos)``: a correct Vocab for student code, built in the student process from
    builtins (``v[token]``, ``len(v)``, ``v.itos``, ``v.stoi``, ``token in v``) and a
    callback here (``v.lookup_tokens(ids)``). It is a ``collections.ChainMap`` of stoi
    whose missing keys give 1: a dict would come back here as a copy."""
    builtins = student.module("builtins")
    partial = student.module("functools").partial
    chain_map = student.module("collections").ChainMap
    unk = partial(builtins.next, student.module("itertools").repeat(UNK_ID))  # unk(token) == 1

    def make(itos):
        local = Vocab(itos)
        static = builtins.staticmethod
        namespace = {
            "itos": list(local.itos), "stoi": dict(local.stoi), "__missing__": static(unk),
            "__len__": static(partial(builtins.len, list(local.itos))),
            "__repr__": static(partial(builtins.str, repr(local))),
            "lookup_tokens": static(local.lookup_tokens),
        }
        remote = builtins.type("Vocab", (chain_map,), namespace)(dict(local.stoi))
        student.trusted_used.add("Vocab")  # the feedback says: ran with a correct Vocab in place of yours
        return Twin(local, remote)

    return make


class _Random(random.Random):
    """A random.Random that describes itself as the call that made it."""

    def __init__(self, seed=None):
        super().__init__(seed)
        self.shown = seed

    def __repr__(self):
        return f"random.Random({self.shown})"

    def __deepcopy__(self, memo):
        twin = _Random(self.shown)
        twin.setstate(self.getstate())
        return twin


@pytest.fixture
def seeded(student):
    """``seeded(seed)``: random.Random(seed) in the student process, and its copy here."""
    random_module = student.module("random")
    return lambda seed: Twin(_Random(seed), random_module.Random(seed))


class _Iterator:
    """iter(items), described as the call that made it; copies start where it is."""

    def __init__(self, items, start=0):
        self.items, self.position = list(items), start

    def __iter__(self):
        return self

    def __next__(self):
        if self.position >= len(self.items):
            raise StopIteration
        self.position += 1
        return self.items[self.position - 1]

    def __repr__(self):
        return f"iter({self.items!r})"

    def __deepcopy__(self, memo):
        return _Iterator(copy.deepcopy(self.items, memo), self.position)


@pytest.fixture
def iterator(student):
    """``iterator(items)``: iter(items) in the student process (readable once), and its copy here."""
    builtins = student.module("builtins")
    return lambda items: Twin(_Iterator(items), builtins.iter(list(items)))


# ---- generated inputs and the real sample ------------------------------------------------------

def zipf_sentence(rng, pool, length):
    weights = [1.0 / (rank + 1) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=length)


def corpus(rng, size, pool=None):
    pool = list(pool or WORDS)
    rng.shuffle(pool)
    pool = pool[:rng.randint(2, min(len(pool), 3 + 2 * size))]
    return [zipf_sentence(rng, pool, rng.randint(1, 2 + size)) for _ in range(rng.randint(1, 1 + size))]


def lengths(rng, n, max_len=50, noise=6):
    """(source, target) length pairs: targets correlate with sources, with noise."""
    result = []
    for _ in range(n):
        s = rng.randint(1, max_len)
        t = max(1, round(s * rng.uniform(0.7, 1.4)) + rng.randint(-noise, noise))
        result.append((s, t))
    return result


def sample_pairs():
    return list(_sample())


def sample_sentences(rng, count):
    """count sentences from both sides of the parallel sample (no line breaks)."""
    sentences = [s for pair in _sample() for s in pair if s.strip() and "\n" not in s and "\r" not in s]
    return rng.sample(sentences, min(count, len(sentences)))


@pytest.fixture
def cases():
    return types.SimpleNamespace(corpus=corpus, lengths=lengths, sample_pairs=sample_pairs,
                                 sample_sentences=sample_sentences, WORDS=WORDS)


@pytest.fixture
def a1():
    """Small A1 helpers for the test files (which cannot import this conftest)."""
    return types.SimpleNamespace(Then=Then, Raised=Raised, attempt=attempt, SPECIALS=SPECIALS)
