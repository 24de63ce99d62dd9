"""Public tests for A3 (greedy decoding and beam search): small tables you can follow by hand.

Token ids: 0 <pad>, 1 <unk>, 2 <sos>, 3 <eos>, 4 'a', 5 'b', 6 'c'. The step functions here are
tiny models written as tables of probabilities; README.md works the first one through.
The hidden tests check the same ideas on many random tables (where every prefix may have
its own distribution), with states of other shapes, and on a trained attention model.
"""

import math

import torch

SOS, EOS, A, B, C = 2, 3, 4, 5, 6
V = 7
TOLERANCE = 1e-5


def log_row(probabilities):
    """{token: probability} -> a list of V log-probabilities (absent tokens are practically impossible)."""
    return [math.log(probabilities[t]) if t in probabilities else -1e9 for t in range(V)]


# The README's example: the next token depends on the last token only.
README_TABLE = {
    SOS: log_row({A: 0.5, B: 0.4, EOS: 0.1}),
    A: log_row({A: 0.35, B: 0.25, EOS: 0.4}),
    B: log_row({A: 0.1, B: 0.1, EOS: 0.8}),
}


class TableStep:
    """step(last_tokens, state) for a table {last token: row}; records the K of every call."""

    def __init__(self, table):
        self.table = table
        self.ks = []

    def __call__(self, last_tokens, state):
        assert isinstance(last_tokens, torch.Tensor) and last_tokens.dim() == 1, (
            f"last_tokens should be a 1-D tensor [K], got {last_tokens!r}")
        self.ks.append(len(last_tokens))
        rows = [self.table[int(t)] for t in last_tokens]
        return torch.tensor(rows, dtype=torch.float32), state


def as_list(hyps):
    return [(list(h.tokens), float(h.logprob), float(h.score)) for h in hyps]


def check_hyps(got, want, call):
    """want: [(tokens, logprob, score)], best first."""
    got = as_list(got)
    ok = len(got) == len(want) and all(
        g[0] == w[0] and abs(g[1] - w[1]) < TOLERANCE and abs(g[2] - w[2]) < TOLERANCE for g, w in zip(got, want))
    assert ok, f"{call} returned {got}; expected {want} (tokens, logprob, score), best score first"


def test_greedy_readme_example(dec):
    """Greedy decoding: the argmax at every step, stopping after <eos>"""
    got = dec.greedy_decode(TableStep(README_TABLE), None, sos_id=SOS, eos_id=EOS, max_len=10)
    assert list(got) == [A, EOS], (
        f"greedy_decode on the README table returned {list(got)}; expected [4, 3]: 'a' (0.5) is the best "
        f"first token, then <eos> (0.4) is the best after 'a', and decoding stops after <eos>")


def test_greedy_max_len(dec):
    """Greedy decoding: at most max_len tokens"""
    table = {SOS: log_row({A: 0.6, EOS: 0.4}), A: log_row({A: 0.7, EOS: 0.3})}
    for max_len, want in ((1, [A]), (3, [A, A, A])):
        got = dec.greedy_decode(TableStep(table), None, sos_id=SOS, eos_id=EOS, max_len=max_len)
        assert list(got) == want, f"greedy_decode(..., max_len={max_len}) returned {list(got)}; expected {want}"


def test_greedy_passes_state_on(dec):
    """Greedy decoding: each call gets the state the previous call returned"""
    seen = []

    def step(last_tokens, state):
        seen.append(state.tolist())
        rows = [README_TABLE[int(t)] for t in last_tokens]
        return torch.tensor(rows), state + 1  # the state counts the calls

    dec.greedy_decode(step, torch.zeros(1, 1, dtype=torch.long), sos_id=SOS, eos_id=EOS, max_len=5)
    assert seen[:2] == [[[0]], [[1]]], (
        f"the step received the states {seen}; expected [[[0]], [[1]]]: the first call gets the given state, "
        f"the second the state returned by the first")


def test_beam_readme_example(dec):
    """Beam search: the README example, beam_size 3, alpha 1"""
    step = TableStep(README_TABLE)
    got = dec.beam_search(step, None, sos_id=SOS, eos_id=EOS, beam_size=3, max_len=5)
    want = [([B, EOS], math.log(0.4 * 0.8), math.log(0.4 * 0.8) / 2),
            ([A, EOS], math.log(0.5 * 0.4), math.log(0.5 * 0.4) / 2),
            ([EOS], math.log(0.1), math.log(0.1))]
    check_hyps(got, want, "beam_search(README table, beam_size=3, max_len=5)")
    assert step.ks == [1, 2], (
        f"the step was called with K = {step.ks} hypotheses; expected [1, 2]: one hypothesis (<sos>) at the "
        f"first step; [<eos>] finished there, so only 3 - 1 = 2 are live at the second step, after which "
        f"3 hypotheses are finished and the search stops")


def test_beam_size_one_is_greedy(dec):
    """Beam search: beam_size 1 finds greedy's sequence"""
    got = dec.beam_search(TableStep(README_TABLE), None, sos_id=SOS, eos_id=EOS, beam_size=1, max_len=5)
    want = [([A, EOS], math.log(0.2), math.log(0.2) / 2)]
    check_hyps(got, want, "beam_search(README table, beam_size=1, max_len=5)")


def test_beam_unfinished_at_max_len(dec):
    """Beam search: hypotheses still going at max_len are returned without <eos>"""
    got = dec.beam_search(TableStep(README_TABLE), None, sos_id=SOS, eos_id=EOS, beam_size=2, max_len=1)
    want = [([A], math.log(0.5), math.log(0.5)), ([B], math.log(0.4), math.log(0.4))]
    check_hyps(got, want, "beam_search(README table, beam_size=2, max_len=1)")


def test_length_normalisation_changes_the_winner(dec):
    """Length normalisation: alpha 0, 1 and 0.75 rank three finished hypotheses differently"""
    # The README's second example. Rows depend on the position and the last token; the
    # position travels in the state (a [K] tensor), so it must be passed on.
    fixed = {
        (0, SOS): {A: -1.05, B: -1.15, C: -1.25},
        (1, A): {EOS: -0.95}, (1, B): {A: -0.35}, (1, C): {B: -0.4},
        (2, A): {EOS: -0.6}, (2, B): {A: -0.5},
        (3, A): {EOS: -0.55},
    }

    def full_row(logprobs):  # the remaining probability mass is shared by the other tokens
        rest = 1 - sum(math.exp(v) for v in logprobs.values())
        others = [t for t in range(V) if t not in logprobs]
        return [logprobs.get(t, math.log(rest / len(others))) for t in range(V)]

    def step(last_tokens, position):
        rows = [full_row(fixed.get((int(p), int(t)), {})) for p, t in zip(position, last_tokens)]
        return torch.tensor(rows, dtype=torch.float64), position + 1

    names = {(A, EOS): "[a, <eos>] (logprob -2.0, 2 tokens)",
             (B, A, EOS): "[b, a, <eos>] (-2.1, 3 tokens)",
             (C, B, A, EOS): "[c, b, a, <eos>] (-2.7, 4 tokens)"}
    for alpha, winner in ((0.0, (A, EOS)), (1.0, (C, B, A, EOS)), (0.75, (B, A, EOS))):
        got = dec.beam_search(step, torch.zeros(1, dtype=torch.long), sos_id=SOS, eos_id=EOS, beam_size=3,
                              max_len=6, alpha=alpha)
        tokens = [tuple(h.tokens) for h in got]
        assert sorted(tokens) == sorted(names), (
            f"with alpha={alpha} beam_search returned {as_list(got)}; the beam should finish exactly "
            f"{list(names.values())}")
        assert tokens[0] == winner, (
            f"with alpha={alpha} the best hypothesis should be {names[winner]}, but {as_list(got)[0]} came first: "
            f"score = logprob / len(tokens) ** alpha, with <eos> counted, best (highest) score first")


def test_value_errors(dec):
    """Argument validation: beam_size < 1 and max_len < 1 raise ValueError"""
    step = TableStep(README_TABLE)
    calls = [
        ("greedy_decode(..., max_len=0)", lambda: dec.greedy_decode(step, None, sos_id=SOS, eos_id=EOS, max_len=0)),
        ("beam_search(..., beam_size=0)",
         lambda: dec.beam_search(step, None, sos_id=SOS, eos_id=EOS, beam_size=0, max_len=3)),
        ("beam_search(..., max_len=0)",
         lambda: dec.beam_search(step, None, sos_id=SOS, eos_id=EOS, beam_size=2, max_len=0)),
    ]
    for text, call in calls:
        try:
            result = call()
        except ValueError:
            continue
        raise AssertionError(f"{text} returned {result!r}; it should raise ValueError")
