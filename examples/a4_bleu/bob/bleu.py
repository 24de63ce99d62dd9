"""A4: BLEU -- Bob's submission."""

import math
from collections import Counter


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    counts = Counter()
    for i in range(len(tokens) - n + 1):
        counts[tuple(tokens[i:i + n])] += 1
    return counts


def precision_recall_f1(hypothesis, reference):
    hyp_counts = Counter(hypothesis)
    ref_counts = Counter(reference)
    matches = 0
    for word in hyp_counts:
        matches += min(hyp_counts[word], ref_counts[word])
    p = matches / len(hypothesis) if len(hypothesis) > 0 else 0.0
    r = matches / len(reference) if len(reference) > 0 else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    ref_counts = Counter()
    for ref in references:
        ref_counts.update(ngrams(ref, n))
    matches = 0
    for gram in hyp_counts:
        matches += min(hyp_counts[gram], ref_counts[gram])
    return matches, sum(hyp_counts.values())


def brevity_penalty(hyp_len, ref_len):
    if hyp_len > ref_len:
        return 1.0
    if hyp_len == 0:
        return 0.0
    return math.exp(1 - ref_len / hyp_len)


def closest_ref_length(hyp_len, ref_lens):
    if len(ref_lens) == 0:
        raise ValueError("ref_lens is empty")
    return min(ref_lens, key=lambda r: abs(r - hyp_len))


def get_stats(hypothesis, references, max_n):
    matches = []
    totals = []
    for n in range(1, max_n + 1):
        m, t = modified_precision(hypothesis, references, n)
        matches.append(m)
        totals.append(t)
    ref_len = closest_ref_length(len(hypothesis), [len(r) for r in references])
    return matches, totals, len(hypothesis), ref_len


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if len(hypotheses) == 0:
        raise ValueError("empty corpus")
    matches = [0] * max_n
    totals = [0] * max_n
    hyp_len = 0
    ref_len = 0
    for hyp, refs in zip(hypotheses, references):
        if len(refs) == 0:
            raise ValueError("a hypothesis has no reference")
        m, t, h, r = get_stats(hyp, refs, max_n)
        for i in range(max_n):
            matches[i] += m[i]
            totals[i] += t[i]
        hyp_len += h
        ref_len += r
    log_sum = 0.0
    for i in range(max_n):
        if matches[i] == 0:
            return 0.0
        log_sum += math.log(matches[i] / totals[i])
    return 100 * brevity_penalty(hyp_len, ref_len) * math.exp(log_sum / max_n)


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    matches, totals, hyp_len, ref_len = get_stats(hypothesis, references, max_n)
    if sum(matches) == 0:
        return 0.0
    order = 0
    while order < max_n and totals[order] > 0:
        order += 1
    log_sum = 0.0
    k = 0
    for i in range(order):
        if matches[i] > 0:
            log_sum += math.log(matches[i] / totals[i])
        else:
            k += 1
            log_sum += math.log(1 / (2 ** k * totals[i]))
    return 100 * brevity_penalty(hyp_len, ref_len) * math.exp(log_sum / order)
