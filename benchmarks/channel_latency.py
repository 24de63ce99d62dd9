"""What one request to the student process costs, by kind, in one run.

    python benchmarks/channel_latency.py [--repeat 2000]

A sandboxed student process (the same ``StudentSession`` graders use) is started on a
small module, then each kind of request is timed ``--repeat`` times and the median and
the 90th percentile are printed in microseconds, with the ratio to the cheapest kind:

- ``getattr``: a module attribute (a handle comes back);
- ``module.f(1)``: a function on a small int, looked up then called (two requests), and
  the same by name in one (``Op.CALLATTR``, what ``toolkit.Call.run`` sends);
- ``call f(list of 100 ints)``, ``call f(tensor 100x100)``: argument and answer encoded
  as JSON and safetensors;
- ``callback``: the student's function calls a grader function once (two frames more);
- ``stand-in block``: what ``toolkit.trusted`` costs per block for two names: one
  ``Op.SWAP`` in and one out, beside the getattr + setattr + setattr per name it replaced;
- ``100 calls``: a hundred calls by name one request each, and the same hundred made
  together in one request (``Op.MANY``, what ``toolkit.run_together`` sends).

``benchmarks/compare_peers.py`` prints the same table (:func:`measure`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

import torch

from autograder.remote import StudentSession
from autograder.sandbox.limits import Limits

MODULE = """
def f(x):
    return x

def g(x):
    return x

def calls_back(function, x):
    return function(x)
"""


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples) * 1e6, samples[int(len(samples) * 0.9)] * 1e6


def measure(repeat: int) -> dict[str, tuple[float, float]]:
    """Median and 90th percentile of each kind of request, in microseconds."""
    with tempfile.TemporaryDirectory(prefix="channel-latency-") as folder:
        (Path(folder) / "mod.py").write_text(MODULE)
        session = StudentSession(Path(folder), Limits(memory_mb=1024))
        try:
            module = session.module("mod")
            numbers, tensor = list(range(100)), torch.ones(100, 100)

            def old_block() -> None:  # toolkit.trusted before Op.SWAP, for two names
                saved = {name: getattr(module, name) for name in ("f", "g")}
                for name in ("f", "g"):
                    setattr(module, name, len)
                for name, value in saved.items():
                    setattr(module, name, value)

            def new_block() -> None:
                module._swap(module._swap({"f": len, "g": len}))

            def one_by_one() -> None:
                for x in range(100):
                    module._call_attr("f", x)

            kinds = {
                "getattr": lambda: module.f,
                "module.f(1): getattr + call": lambda: module.f(1),
                "call by name (Op.CALLATTR)": lambda: module._call_attr("f", 1),
                "call f(list of 100 ints)": lambda: module.f(numbers),
                "call f(tensor 100x100)": lambda: module.f(tensor),
                "callback": lambda: module.calls_back(abs, -1),
                "stand-in block, per name calls": old_block,
                "stand-in block, Op.SWAP": new_block,
                "100 calls, one request each": one_by_one,
                "100 calls together (Op.MANY)": lambda: module._call_many("f", [((x,), {}) for x in range(100)]),
            }
            timings = {name: timed(action, repeat if not name.startswith("100") else max(1, repeat // 50))
                       for name, action in kinds.items()}
        finally:
            session.close()
    return timings


def table(rows: dict[str, tuple[float, float]]) -> str:
    base = min(median for median, _ in rows.values())
    lines = [f"{'request':<32} {'median us':>10} {'p90 us':>9} {'x cheapest':>11}"]
    lines += [f"{name:<32} {median:>10.0f} {p90:>9.0f} {median / base:>11.2f}" for name, (median, p90) in rows.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    print(table(measure(args.repeat)))


if __name__ == "__main__":
    main()
