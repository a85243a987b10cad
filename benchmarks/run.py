"""Run every benchmark area and print one table (``make bench``).

Each area is a module of this package with ``run(settings) -> list[Figure]``
(see benchmarks/README.md), whose figures join the table; a module without
that entry point is run as the standalone program it is, and prints its own
report. An area whose module is not there is skipped with a message, so areas
can be added one at a time.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time

from benchmarks.measure import ROOT, format_growth, format_table, machine_load, parse_settings

# Module names under benchmarks/, in the order the table lists them.
AREAS = (
    "build_speed", "pdf", "linkcheck", "page_weight", "lint_speed", "review_tools", "import_speed",
    "versions",
)


def main(argv: list[str] | None = None) -> int:
    settings = parse_settings(argv, __doc__.split("\n\n")[0])
    settings.workdir.mkdir(parents=True, exist_ok=True)
    print(f"Machine at start: {machine_load()}", flush=True)
    started = time.monotonic()
    figures, skipped, failed = [], [], []
    for area in AREAS:
        try:
            module = importlib.import_module(f"benchmarks.{area}")
        except ModuleNotFoundError as error:
            if error.name != f"benchmarks.{area}":
                raise
            skipped.append(area)
            print(f"Skipping area {area!r}: benchmarks/{area}.py is not there yet", flush=True)
            continue
        print(f"Area {area!r}", flush=True)
        if hasattr(module, "run"):
            figures += module.run(settings)
        else:
            # A standalone benchmark with its own options and report; one that
            # fails (page_weight over its budget) does not stop the others.
            run = subprocess.run([sys.executable, "-m", f"benchmarks.{area}"], cwd=ROOT)
            if run.returncode:
                failed.append(f"{area} (exit {run.returncode})")
    print(f"\nMachine at end: {machine_load()}; {time.monotonic() - started:.0f} s in all")
    print(f"Sizes {', '.join(map(str, settings.sizes))} notices; median of {settings.repeats} runs\n")
    print(format_table(figures)
          + format_growth(figures, "How each cost grows with the number of notices"))
    if skipped:
        print(f"\nSkipped (module not present): {', '.join(skipped)}")
    if failed:
        print(f"\nFailed: {', '.join(failed)}; its report is above")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
