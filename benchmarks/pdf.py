"""Seconds per notice PDF, against WeasyPrint run stock on the published page.

    python -m benchmarks.pdf [--repeat N] [--phases]
    python -m benchmarks.pdf --notices 30 [--repeat N]

Builds the site (dirhtml) and the PDFs (``-b pdf``) into a scratch folder,
then times, for each notice, the best of N runs of:

* ours: the notice's print HTML rendered to a tagged PDF/UA file, as the
  ``pdf`` builder and the HTML build do it (``policy_sphinx_extensions.pdf``),
  once cold ("first": WeasyPrint and the fonts load) and then warm;
* stock: ``weasyprint`` on the notice's published web page (theme, sidebar
  and all), which is what one gets from WeasyPrint without this project.

It prints one row per notice (pages, size, wall and CPU seconds, ratio to
stock) and the wall time of the whole ``sphinx-build -b pdf`` from scratch.
The target is at most 3 s per notice. With ``--phases``, it also prints
where the CPU time of the first notice's PDF goes: each of WeasyPrint's
steps (the cascade, the layout and within it the footnote area, painting,
tags, fonts, writing), timed around WeasyPrint's own functions over
``--repeat`` warm renders.

With ``--notices N``, it measures instead what the PDFs add to ``make html``
on a synthetic site of N notices (benchmarks/synthetic.py): the build from
scratch with its PDFs (``-D policy_pdf_publish=1``, as ``make html``) against
the same build without them, alternated so both see the same machine load;
the medians, the CPU seconds and their ratio (the target is at most 2.0);
then a rebuild after a navigation change, with the PDFs' records
(``.doctrees/pdf-records``) and without them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from pypdf import PdfReader
from sphinx.application import Sphinx

from benchmarks import synthetic
from benchmarks.build_speed import sphinx_command
from benchmarks.measure import ROOT, Sample, best_of, machine_load, timed
from policy_core.addresses import pdf_filename
from policy_sphinx_extensions import pdf
from policy_sphinx_extensions.reading.page_kinds import is_notice
from policy_sphinx_extensions.pdf import builder as pdf_builder
from policy_sphinx_extensions.pdf import render

TARGET_SECONDS = 3.0
TARGET_RATIO = 2.0


# WeasyPrint's steps for a PDF: (module[:class], function, what it does). The
# footnote area is measured inside the layout.
PHASES = (
    ("weasyprint.document", "get_all_computed_styles", "cascade"),
    ("weasyprint.document", "build_formatting_structure", "boxes"),
    ("weasyprint.document", "layout_document", "layout"),
    ("weasyprint.layout:LayoutContext", "_update_footnote_area",
     "  of which the footnote area measured again"),
    ("weasyprint.document:Page", "paint", "painting the pages"),
    ("weasyprint.pdf", "add_tags", "structure tags (PDF/UA)"),
    ("weasyprint.pdf", "build_fonts_dictionary", "fonts (subset)"),
    ("pydyf:PDF", "write", "writing and compressing"),
)


def phase_times(job: render.Job, repeat: int) -> tuple[float, dict[str, float]]:
    """The CPU seconds of *job*'s PDF, rendered warm *repeat* times: whole,
    and in each of WeasyPrint's :data:`PHASES`."""
    spent = dict.fromkeys((label for *_, label in PHASES), 0.0)

    def timed_phase(function, label: str):
        def spend(call, *args):
            start = time.process_time()
            try:
                return call(*args)
            finally:
                spent[label] += time.process_time() - start

        if inspect.isgeneratorfunction(function):  # the layout yields page by page
            @functools.wraps(function)
            def steps(*args, **kwargs):
                generator, done = function(*args, **kwargs), object()
                while (step := spend(next, generator, done)) is not done:
                    yield step
            return steps

        @functools.wraps(function)
        def call(*args, **kwargs):
            return spend(functools.partial(function, *args, **kwargs))
        return call

    render.render_pdf(job)  # WeasyPrint and the fonts loaded, the stylesheets parsed
    with contextlib.ExitStack() as patches:
        for where, name, label in PHASES:
            target = pkgutil.resolve_name(where)
            patches.enter_context(
                mock.patch.object(target, name, timed_phase(getattr(target, name), label)))
        start = time.process_time()
        for _ in range(repeat):
            render.render_pdf(job)
        whole = (time.process_time() - start) / repeat
    return whole, {label: seconds / repeat for label, seconds in spent.items()}


def sphinx_build(builder: str, outdir: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", builder, "-c", str(ROOT), "-W",
                    str(ROOT / "source"), str(outdir)], check=True)
    return time.perf_counter() - start


def html_with_and_without_pdfs(notices: int, repeat: int) -> int:
    """make html on a synthetic site of *notices* notices, with and without its PDFs."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        # The synthetic notices and the site's own one, committed as a real site's are.
        source = synthetic.make_committed_source(scratch / "repo", notices - 1)
        runs: dict[bool, list] = {False: [], True: []}
        for _ in range(repeat):
            for with_pdfs in (False, True):
                outdir = scratch / f"html-{with_pdfs}"
                shutil.rmtree(outdir, ignore_errors=True)
                runs[with_pdfs].append(
                    timed(sphinx_command(source, outdir, jobs="1", pdfs=with_pdfs)))
        pdfs = len(list((scratch / "html-True" / "pdf").glob("*.pdf")))
        rebuilds = navigation_rebuilds(source, scratch / "html-True", repeat)
    without, with_ = Sample(tuple(runs[False])), Sample(tuple(runs[True]))
    ratio = with_.seconds / without.seconds
    print(f"make html, {notices} notices, median of {repeat} (wall s / CPU s):")
    print(f"  pages only:         {without.seconds:6.2f} / {without.cpu_seconds:6.2f}")
    print(f"  pages and {pdfs} PDFs: {with_.seconds:6.2f} / {with_.cpu_seconds:6.2f}")
    print(f"  ratio: {ratio:.2f} (target ≤ {TARGET_RATIO}): "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}")
    print("A rebuild after a navigation change (every page written again), median of "
          f"{repeat}:")
    print(f"  PDFs kept by their records:            {rebuilds[True].seconds:6.2f} / "
          f"{rebuilds[True].cpu_seconds:6.2f}")
    print(f"  records deleted (every PDF rendered):  {rebuilds[False].seconds:6.2f} / "
          f"{rebuilds[False].cpu_seconds:6.2f}")
    print(f"  load average at the end: {machine_load()}")
    return 0


def navigation_rebuilds(source: Path, outdir: Path, repeat: int) -> dict[bool, Sample]:
    """Rebuilds of *outdir* after renaming a notice in the navigation, with
    the PDFs' records kept and with them deleted (as if there were none)."""
    runs: dict[bool, list] = {True: [], False: []}
    for number in range(repeat):
        for kept in (True, False):
            if not kept:
                shutil.rmtree(outdir / ".doctrees" / "pdf-records")
            synthetic.rename_notice_1(source, f"{number}{kept}")
            runs[kept].append(timed(sphinx_command(source, outdir, jobs="1", pdfs=True)))
    return {kept: Sample(tuple(runs[kept])) for kept in runs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--phases", action="store_true", help="also time each of "
                        "WeasyPrint's steps for the first notice's PDF")
    parser.add_argument("--notices", type=int, help="measure make html with and without "
                        "its PDFs on a synthetic site of this many notices")
    args = parser.parse_args()
    if args.notices:
        return html_with_and_without_pdfs(args.notices, args.repeat)

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        cold_build = sphinx_build("pdf", scratch / "pdf")
        sphinx_build("dirhtml", scratch / "html")

        app = Sphinx(str(ROOT / "source"), str(ROOT), str(scratch / "pdf"),
                     str(scratch / "pdf" / ".doctrees"), "pdf", status=None, warning=sys.stderr)
        app.builder.prepare_writing(set(app.env.found_docs))
        notices = sorted(d for d in app.env.found_docs if is_notice(app, d))
        settings = pdf_builder.render_settings(app)

        def job(docname: str, doctree) -> render.Job:
            """What the pdf builder renders for *docname*: its print HTML."""
            paper = pdf.paper_doctree(app, docname, doctree)
            return render.Job(docname, pdf.print_html(app, docname, paper), "", settings)

        rows = []
        stock_pdf = scratch / "stock.pdf"
        for docname in notices:
            doctree = app.env.get_and_resolve_doctree(docname, app.builder)

            def render_one():
                return render.render_pdf(job(docname, doctree))

            # The first render in a process also loads WeasyPrint and the fonts.
            first, _ = best_of(1, render_one)
            ours, ours_cpu = best_of(args.repeat, render_one)
            page = scratch / "html" / docname / "index.html"
            stock, stock_cpu = best_of(args.repeat, lambda: subprocess.run(
                [sys.executable, "-m", "weasyprint", "-q", str(page), str(stock_pdf)],
                check=True, capture_output=True))
            built = scratch / "pdf" / pdf_filename(docname)
            rows.append((docname, len(PdfReader(built).pages), built.stat().st_size / 1024,
                         first, ours, ours_cpu, stock, stock_cpu,
                         len(PdfReader(stock_pdf).pages)))
        if args.phases:
            doctree = app.env.get_and_resolve_doctree(notices[0], app.builder)
            whole, phases = phase_times(job(notices[0], doctree), args.repeat)

    print(f"{'notice':<30} {'pages':>5} {'KiB':>6} {'first s':>7} {'ours s':>7} "
          f"{'ours CPU s':>10} {'stock s':>8} {'stock CPU s':>11} {'ours/stock':>10} "
          f"{'stock pages':>11}")
    for docname, pages, size, first, ours, ours_cpu, stock, stock_cpu, stock_pages in rows:
        print(f"{docname:<30} {pages:>5} {size:>6.1f} {first:>7.2f} {ours:>7.2f} "
              f"{ours_cpu:>10.3f} {stock:>8.2f} {stock_cpu:>11.2f} {ours / stock:>10.2f} "
              f"{stock_pages:>11}")
    slowest = max(row[4] for row in rows)
    print(f"\nsphinx-build -b pdf from scratch: {cold_build:.2f} s for {len(rows)} notice(s) "
          f"({cold_build / len(rows):.2f} s per notice, Sphinx start-up and reading included)")
    print(f"WeasyPrint and font start-up, once per build: {rows[0][3] - rows[0][4]:.2f} s")
    print(f"slowest notice, warm: {slowest:.2f} s (target ≤ {TARGET_SECONDS:.0f} s): "
          f"{'met' if slowest <= TARGET_SECONDS else 'MISSED'}")
    if args.phases:
        print(f"\nCPU s per PDF of {notices[0]} by WeasyPrint's steps, warm, mean of "
              f"{args.repeat}:")
        for label, seconds in phases.items():
            print(f"  {label:<46} {seconds:6.3f} {seconds / whole:6.1%}")
        print(f"  {'whole PDF':<46} {whole:6.3f}")
    print(f"load average while measured: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
