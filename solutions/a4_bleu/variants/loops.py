"""A4: BLEU -- an independent solution in plain loops and dicts.

No Counter arithmetic, no shared formula helper: corpus_bleu and sentence_bleu each write
out their own formula, the closest length is found by a scan, and the geometric mean is a
product raised to 1/N (not exp of a mean of logs).
"""

import math
from collections import Counter


def ngrams(tokens, n):
    if n < 1:
        raise ValueError("n: must be at least 1")
    counts = Counter()
    start = 0
    while start + n <= len(tokens):
        gram = tuple(tokens[start:start + n])
        counts[gram] = counts[gram] + 1
        start += 1
    return counts


def precision_recall_f1(hypothesis, reference):
    in_reference = {}
    for word in reference:
        in_reference[word] = in_reference.get(word, 0) + 1
    matches = 0
    for word in hypothesis:
        if in_reference.get(word, 0) > 0:
            in_reference[word] -= 1
            matches += 1
    precision = matches / len(hypothesis) if len(hypothesis) > 0 else 0.0
    recall = matches / len(reference) if len(reference) > 0 else 0.0
    if precision + recall == 0:
        return precision, recall, 0.0
    return precision, recall, 2 * precision * recall / (precision + recall)


def modified_precision(hypothesis, references, n):
    hyp_counts = ngrams(hypothesis, n)
    ref_counts = [ngrams(reference, n) for reference in references]
    matches = 0
    total = 0
    for gram, count in hyp_counts.items():
        limit = 0
        for counts in ref_counts:
            if counts.get(gram, 0) > limit:
                limit = counts.get(gram, 0)
        matches += count if count < limit else limit
        total += count
    return matches, total


def brevity_penalty(hyp_len, ref_len):
    if hyp_len == 0:
        return 0.0
    if hyp_len >= ref_len:
        return 1.0
    return math.exp(1 - ref_len / hyp_len)


def closest_ref_length(hyp_len, ref_lens):
    if len(ref_lens) == 0:
        raise ValueError("ref_lens: no reference length given")
    best = None
    for length in ref_lens:
        if best is None:
            best = length
            continue
        distance, best_distance = abs(length - hyp_len), abs(best - hyp_len)
        if distance < best_distance or (distance == best_distance and length < best):
            best = length
    return best


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n: must be at least 1")
    if len(hypotheses) == 0:
        raise ValueError("hypotheses: the corpus is empty")
    matches = [0] * (max_n + 1)
    totals = [0] * (max_n + 1)
    hyp_total = 0
    ref_total = 0
    for index in range(len(hypotheses)):
        hypothesis, refs = hypotheses[index], references[index]
        if len(refs) == 0:
            raise ValueError(f"references: hypothesis {index} has no reference")
        for n in range(1, max_n + 1):
            m, t = modified_precision(hypothesis, refs, n)
            matches[n] += m
            totals[n] += t
        hyp_total += len(hypothesis)
        ref_total += closest_ref_length(len(hypothesis), [len(r) for r in refs])
    product = 1.0
    for n in range(1, max_n + 1):
        if matches[n] == 0:
            return 0.0
        product *= matches[n] / totals[n]
    return 100 * brevity_penalty(hyp_total, ref_total) * product ** (1 / max_n)


def sentence_bleu(hypothesis, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n: must be at least 1")
    orders = min(max_n, len(hypothesis))
    precisions = []
    unmatched = 0
    any_match = False
    for n in range(1, orders + 1):
        m, t = modified_precision(hypothesis, references, n)
        if m > 0:
            any_match = True
            precisions.append(m / t)
        else:
            unmatched += 1
            precisions.append(1 / (2 ** unmatched * t))
    if not any_match:
        return 0.0
    product = 1.0
    for p in precisions:
        product *= p
    ref_len = closest_ref_length(len(hypothesis), [len(r) for r in references])
    return 100 * brevity_penalty(len(hypothesis), ref_len) * product ** (1 / orders)
