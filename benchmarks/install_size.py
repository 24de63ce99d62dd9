"""What an install costs: the core package beside each extra, in one run.

    python benchmarks/install_size.py [--extras core nbgrader cluster postgres all]

For each choice a fresh virtualenv in a temporary folder gets ``torch==2.13.0`` (the CPU
build, the same first step as README's commands) and then this checkout with that extra
(``pip install '.[nbgrader]'``; ``core`` is ``pip install .``). Printed per choice: the
seconds pip took for the package (torch's install is timed apart and left out, it is the
same for all), the virtualenv's size in MB, and the number of distributions installed.
Ratios to ``core`` are in the last columns. pip's cache is used as it is on this machine:
run it twice to compare warm caches, the way CI's machines see them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH = "torch==2.13.0"


def folder_size(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(folder) / name).lstat().st_size
            except OSError:
                pass
    return total


def pip(venv: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *args], check=True)
    return time.perf_counter() - started


def measure(extra: str, scratch: Path) -> dict[str, float]:
    venv = scratch / extra
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    torch_seconds = pip(venv, TORCH)
    target = str(ROOT) if extra == "core" else f"{ROOT}[{extra}]"
    seconds = pip(venv, target)
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, check=True).stdout.split()
    return {"torch_s": torch_seconds, "package_s": seconds, "mb": folder_size(venv) / 2**20, "dists": len(listed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", nargs="+", default=["core", "nbgrader", "cluster", "all"])
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="install-size-") as scratch:
        for extra in args.extras:
            rows[extra] = measure(extra, Path(scratch))
            print(f"measured {extra}", file=sys.stderr)
    base = rows.get("core") or next(iter(rows.values()))
    print(f"{'install':<10} {'pip s':>7} {'MB':>8} {'dists':>6} {'s / core':>9} {'MB / core':>10}")
    for extra, row in rows.items():
        print(f"{extra:<10} {row['package_s']:>7.1f} {row['mb']:>8.0f} {row['dists']:>6} "
              f"{row['package_s'] / base['package_s']:>9.2f} {row['mb'] / base['mb']:>10.2f}")
    print(f"(torch==2.13.0 alone: {base['torch_s']:.1f} s, not counted above)")


if __name__ == "__main__":
    main()
