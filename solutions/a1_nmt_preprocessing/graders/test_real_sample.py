"""Graders: the whole pipeline on the real parallel sample (English / Spanish Bible verses).

Random slices of the sample, random limits; every expected value comes from the grader's
own implementation of the contract (conftest.Util). Tokens fed to build_vocab and
numericalize come from the grader's tokenizer, so a mistake is charged to the function
that made it.
"""


def test_real_sample_tokenize(pre, util, rng):
    """Real data: tokenize agrees on 300 random verses, English and Spanish"""
    pairs = rng.sample(util.sample_pairs(), 150)
    texts = sorted((side for pair in pairs for side in pair), key=len)
    for text in texts:
        call = util.call("tokenize", text)
        got = util.str_list(pre.tokenize(text), call)
        want = util.tokenize(text)
        if got != want:
            index = util.first_difference(got, want)
            raise AssertionError(f"{call} returned {util.shown(got)}, expected {util.shown(want)}; first "
                                 f"difference at token {index}: yours {got[index:index + 3]}, expected "
                                 f"{want[index:index + 3]}")


def test_real_sample_filter_pairs(pre, util, rng):
    """Real data: filter_pairs on random slices of the sample with random limits"""
    sample = util.sample_pairs()
    for size in util.sizes(6, 400):
        start = rng.randrange(len(sample) - size)
        pairs = sample[start:start + size]
        max_len = rng.randint(5, 60)
        max_ratio = rng.choice([1.2, 1.5, 2.0, 3.0, 9.0])
        got = pre.filter_pairs(pairs, max_len, max_ratio)
        call = f"filter_pairs(<verses {start}..{start + size - 1} of the sample>, {max_len}, {max_ratio})"
        if not isinstance(got, (list, tuple)):
            raise AssertionError(f"{call} returned {util.shown(got)}; expected a list of pairs")
        got = [tuple(p) for p in got]
        want = util.filter_pairs(pairs, max_len, max_ratio)
        if got != want:
            extra = [p for p in got if p not in want]
            lost = [p for p in want if p not in got]
            example = (extra or lost)[0] if extra or lost else None
            detail = "the right pairs in another order"
            if example is not None:
                ls, lt = len(util.tokenize(example[0])), len(util.tokenize(example[1]))
                detail = (f"e.g. {util.shown(example, 250)} has {ls} and {lt} tokens and should be "
                          f"{'removed' if example in extra else 'kept'}")
            raise AssertionError(f"{call} kept {len(got)} pairs, expected {len(want)}: {detail}")


def test_real_sample_build_vocab(pre, util, rng):
    """Real data: build_vocab on tokenized verses with random min_freq and max_size"""
    sample = util.sample_pairs()
    for side in (0, 1):
        corpus = [util.tokenize(pair[side]) for pair in rng.sample(sample, 400)]
        min_freq = rng.randint(1, 3)
        # One side unbounded, so that min_freq and the order of ties always show; one bounded.
        max_size = None if side == 0 else rng.randint(20, 600)
        call = (f"build_vocab(<400 tokenized {'English' if side == 0 else 'Spanish'} verses>, "
                f"min_freq={min_freq}, max_size={max_size})")
        got = util.itos_of(pre.build_vocab(corpus, min_freq=min_freq, max_size=max_size), call)
        want = util.build_itos(corpus, min_freq, max_size)
        if got != want:
            index = util.first_difference(got, want)
            counts = {}
            for sentence in corpus:
                for token in sentence:
                    counts[token] = counts.get(token, 0) + 1
            show = lambda items: [(t, counts.get(t, 0)) for t in items]  # noqa: E731
            raise AssertionError(
                f"{call} has {len(got)} entries, expected {len(want)}; first difference at id {index}: "
                f"yours (token, count) {show(got[index:index + 4])}, expected {show(want[index:index + 4])}. "
                f"Specials first, then count >= min_freq by (count descending, token ascending), at most "
                f"max_size entries in all")


def test_real_sample_pipeline(pre, util, rng):
    """Real data: numericalize, bucket, collate and decode 200 verse pairs end to end"""
    sample = util.sample_pairs()
    pairs = [(util.tokenize(en), util.tokenize(es)) for en, es in rng.sample(sample, 200)]
    src_itos = util.build_itos([p[0] for p in pairs], min_freq=2)
    tgt_itos = util.build_itos([p[1] for p in pairs], min_freq=2)
    src_vocab, tgt_vocab = util.vocab(pre, src_itos), util.vocab(pre, tgt_itos)
    max_len = rng.randint(10, 40)
    reverse = rng.random() < 0.5
    samples = []
    for src, tgt in pairs:
        call = (f"numericalize({util.shown(src, 150)}, {util.shown(tgt, 150)}, src_vocab, tgt_vocab, {max_len}, "
                f"reverse_source={reverse}) (vocabularies of the tokens seen twice or more)")
        got = util.sequence(pre.numericalize(src, tgt, src_vocab, tgt_vocab, max_len, reverse_source=reverse),
                            2, call, "id lists")
        got = (util.int_list(got[0], call), util.int_list(got[1], call))
        want = util.numericalize(src, tgt, src_itos, tgt_itos, max_len, reverse)
        if got[0] != want[0]:
            raise AssertionError(f"{call} returned the source ids {util.shown(got[0])}, expected "
                                 f"{util.shown(want[0])}: "
                                 f"{util.source_hint(got[0], want[0], src, src_itos, max_len, reverse)}")
        if got[1] != want[1]:
            raise AssertionError(f"{call} returned the target ids {util.shown(got[1])}, expected "
                                 f"{util.shown(want[1])}: {util.target_hint(got[1], want[1], tgt, tgt_itos, max_len)}")
        samples.append(got)

    lengths = [(len(s), len(t)) for s, t in samples]
    batch_size, max_pad_len = rng.randint(8, 32), rng.randint(1, 5)
    call = f"bucketed_batch_indices(<the lengths of 200 numericalized verse pairs>, {batch_size}, {max_pad_len})"
    batches = util.check_buckets(pre.bucketed_batch_indices(lengths, batch_size, max_pad_len), lengths,
                                 batch_size, max_pad_len, call)

    padding = 0
    for batch in batches:
        chosen = [samples[i] for i in batch]
        call = f"collate(<a batch of {len(chosen)} numericalized verse pairs>)"
        result = util.sequence(pre.collate(chosen), 3, call, "tensors")
        src, lengths_t, tgt = (util.long_tensor(t, n, call) for t, n in zip(result, ("src", "src_lengths", "tgt")))
        want_src, want_lengths, want_tgt = util.collate(chosen)
        got_src, got_lengths, got_tgt = src.tolist(), lengths_t.tolist(), tgt.tolist()
        if (got_src, got_lengths, got_tgt) != (want_src, want_lengths, want_tgt):
            raise AssertionError(
                f"{call} returned src_lengths={got_lengths} (expected {want_lengths}) and src/tgt of shapes "
                f"{list(src.shape)}/{list(tgt.shape)} (expected {[len(want_src), len(want_src[0])]}/"
                f"{[len(want_tgt), len(want_tgt[0])]}) that differ from the expected tensors: "
                f"{util.collate_hint(got_src, got_lengths, got_tgt, chosen, 0)}")
        padding += sum(len(row) - n for row, n in zip(want_src, want_lengths))
        for row in tgt.tolist():
            call = f"decode({row}, tgt_vocab)"
            got = util.str_list(pre.decode(row, tgt_vocab), call)
            want = util.decode(row, tgt_itos)
            assert got == want, f"{call} returned {got}, expected {want}"
    # The point of bucketing: far less source padding than batching in random order would need.
    assert padding <= max_pad_len * len(samples), (
        f"{padding} source pad tokens over {len(batches)} batches; with max_pad_len={max_pad_len} there can be "
        f"at most {max_pad_len} per sample")
