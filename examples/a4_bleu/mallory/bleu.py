"""A4: BLEU -- Mallory's submission: implements nothing and tries to fake a perfect score.

Everything below is an attack the grader must shrug off:
1. at import, patch pytest's TestReport so that every test would be reported as passed;
2. print lines that look like a passing pytest run and a Gradescope results JSON;
3. every function ends the process with status 0 before a test can fail.
"""

import json
import os
import sys

try:  # 1. rewrite every verdict as "passed" if pytest lives in this process
    from _pytest import reports as _reports

    _original = _reports.TestReport.from_item_and_call

    def _always_passed(item, call):
        report = _original(item, call)
        report.outcome = "passed"
        report.longrepr = None
        return report

    _reports.TestReport.from_item_and_call = staticmethod(_always_passed)
except Exception:
    pass

# 2. fake output for anyone parsing text
for _name in ("test_ngrams", "test_clipping", "test_corpus_bleu", "test_sentence_bleu"):
    print(f"solutions/a4_bleu/graders/test_x.py::{_name} PASSED")
print("========== 52 passed in 0.01s ==========")
print(json.dumps({"score": 100, "tests": [{"name": "all", "score": 100, "max_score": 100}]}))
sys.stdout.flush()


def _leave():
    # 3. exit "successfully" before any assertion can run
    os._exit(0)


def ngrams(tokens, n):
    _leave()


def precision_recall_f1(hypothesis, reference):
    _leave()


def modified_precision(hypothesis, references, n):
    _leave()


def brevity_penalty(hyp_len, ref_len):
    _leave()


def closest_ref_length(hyp_len, ref_lens):
    _leave()


def corpus_bleu(hypotheses, references, max_n=4):
    _leave()


def sentence_bleu(hypothesis, references, max_n=4):
    _leave()
