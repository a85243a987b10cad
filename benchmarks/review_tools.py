"""Time and size of the review tools against the stock build.

    .venv/bin/python -m benchmarks.review_tools [BASE]

Stock: one `sphinx-build -b dirhtml` of the site at HEAD (what `make html`
does). Measured: `tools.redline` and `tools.check_addresses` from BASE
(default HEAD~1) to HEAD, each of which exports and builds both revisions, and
the size of what they and the feed extension write. Each figure is the best
of three runs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import PYTHON, ROOT, best_of

RUNS = 3


def best_time(command: list[str]) -> float:
    return best_of(RUNS, lambda: subprocess.run(command, cwd=ROOT, check=True,
                                                capture_output=True))[0]


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "HEAD~1"
    with tempfile.TemporaryDirectory() as scratch:
        html = Path(scratch, "html")
        redline_out = Path(scratch, "redline")
        stock = best_time([PYTHON, "-m", "sphinx", "-b", "dirhtml", "-q", "-E", "-c", ".",
                           "source", str(html)])
        redline = best_time([PYTHON, "-m", "tools.redline", "--base", base,
                             "--out", str(redline_out)])
        addresses = best_time([PYTHON, "-m", "tools.check_addresses", "--base", base])
        feed_size = (html / "feed.xml").stat().st_size
        site_size = sum(path.stat().st_size for path in html.rglob("*") if path.is_file())
        redline_sizes = {
            path.relative_to(redline_out).as_posix(): path.stat().st_size
            for path in sorted(redline_out.rglob("*.html"))
        }

    print(f"BASE = {base}, best of {RUNS} runs")
    print(f"{'stock build (sphinx-build dirhtml)':44} {stock:6.2f} s   1.00x")
    print(f"{'make redline (2 revisions)':44} {redline:6.2f} s   {redline / stock:.2f}x")
    print(f"{'make check-addresses (2 revisions)':44} {addresses:6.2f} s   "
          f"{addresses / stock:.2f}x")
    print(f"{'feed.xml':44} {feed_size:6d} B   {feed_size / site_size:.2%} of the site "
          f"({site_size} B)")
    for name, size in redline_sizes.items():
        print(f"{'redline ' + name:44} {size:6d} B")


if __name__ == "__main__":
    main()
