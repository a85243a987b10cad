"""How long each lint check takes on the real tree, against the strict build alone.

    .venv/bin/python -m benchmarks.lint_speed [--runs N]

The strict build (`make html`) is what already ran before `make lint`; each
check's median time is reported with its ratio to that build.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import best_of
from tools import lint


def median_seconds(run, runs: int) -> float:
    return statistics.median(best_of(1, run)[0] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        builddir = Path(scratch)

        def strict_build() -> None:
            subprocess.run([sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(lint.ROOT),
                            *lint.STRICT, "-q", "-E", str(lint.SOURCE), str(builddir / "stock")],
                           check=True)

        stock = median_seconds(strict_build, args.runs)
        print(f"{'strict build (stock)':24} {stock:7.2f} s   1.00x")
        context = lint.Context(lint.SOURCE, builddir / "lint")
        total = 0.0
        for name, check in lint.CHECKS.items():
            seconds = median_seconds(lambda check=check: check(context), args.runs)
            total += seconds
            print(f"{name:24} {seconds:7.2f} s   {seconds / stock:4.2f}x")
        print(f"{'make lint (all checks)':24} {total:7.2f} s   {total / stock:4.2f}x")


if __name__ == "__main__":
    main()
