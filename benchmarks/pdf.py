"""Seconds per notice PDF, against WeasyPrint run stock on the published page.

    python benchmarks/pdf.py [--repeat N]

Builds the site (dirhtml) and the PDFs (``-b pdf``) into a scratch folder,
then times, for each notice, the best of N runs of:

* ours: the notice's print HTML rendered to a tagged PDF/UA file, as the
  ``pdf`` builder and the HTML build do it (``policy_sphinx_extensions.pdf``),
  once cold ("first": WeasyPrint and the fonts load) and then warm;
* stock: ``weasyprint`` on the notice's published web page (theme, sidebar
  and all), which is what one gets from WeasyPrint without this project.

It prints one row per notice (pages, size, seconds, ratio to stock) and the
wall time of the whole ``sphinx-build -b pdf`` from scratch. The target is at
most 3 s per notice.
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
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from sphinx.application import Sphinx  # noqa: E402

from policy_sphinx_extensions import pdf  # noqa: E402

TARGET_SECONDS = 3.0


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def sphinx_build(builder: str, outdir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", builder, "-c", str(ROOT), "-W",
         str(ROOT / "source"), str(outdir)],
        check=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        cold_build = sphinx_build("pdf", scratch / "pdf")
        sphinx_build("dirhtml", scratch / "html")

        app = Sphinx(str(ROOT / "source"), str(ROOT), str(scratch / "pdf"),
                     str(scratch / "pdf" / ".doctrees"), "pdf", status=None, warning=sys.stderr)
        app.builder.prepare_writing(set(app.env.found_docs))
        notices = sorted(d for d in app.env.found_docs if pdf.is_notice(app, d))

        rows = []
        for docname in notices:
            doctree = app.env.get_and_resolve_doctree(docname, app.builder)
            # The first render in a process also loads WeasyPrint and the fonts.
            def render():
                return pdf.render_pdf(app, docname, pdf.print_html(app, docname, doctree))

            first = best_of(1, render)
            ours = best_of(args.repeat, render)
            page = scratch / "html" / docname / "index.html"
            stock_pdf = scratch / "stock.pdf"
            stock = best_of(args.repeat, lambda: subprocess.run(
                [sys.executable, "-m", "weasyprint", "-q", str(page), str(stock_pdf)],
                check=True, capture_output=True,
            ))
            built = scratch / "pdf" / pdf.pdf_filename(docname)
            rows.append((docname, len(PdfReader(built).pages), built.stat().st_size / 1024,
                         first, ours, stock, len(PdfReader(stock_pdf).pages)))

    print(f"{'notice':<30} {'pages':>5} {'KiB':>6} {'first s':>7} {'ours s':>7} "
          f"{'stock s':>8} {'ours/stock':>10} {'stock pages':>11}")
    for docname, pages, size, first, ours, stock, stock_pages in rows:
        print(f"{docname:<30} {pages:>5} {size:>6.1f} {first:>7.2f} {ours:>7.2f} "
              f"{stock:>8.2f} {ours / stock:>10.2f} {stock_pages:>11}")
    slowest = max(row[4] for row in rows)
    print(f"\nsphinx-build -b pdf from scratch: {cold_build:.2f} s for {len(rows)} notice(s) "
          f"({cold_build / len(rows):.2f} s per notice, Sphinx start-up and reading included)")
    print(f"WeasyPrint and font start-up, once per build: {rows[0][3] - rows[0][4]:.2f} s")
    print(f"slowest notice, warm: {slowest:.2f} s (target ≤ {TARGET_SECONDS:.0f} s): "
          f"{'met' if slowest <= TARGET_SECONDS else 'MISSED'}")
    print(f"load average while measured: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
