"""Build speed as the site grows: full build, rebuilds, live preview, and MkDocs.

For each size N, a synthetic site of N notices (benchmarks/synthetic.py) is
built several times, alternating our build and the stock one so both see the
same machine load:

* ours: ``sphinx-build -j auto`` with the site's configuration (``make html
  SPHINXJOBS=auto``), and the same in one process (``-j 1``, what ``make html``
  runs);
* stock: the same Sphinx, furo and extensions unmodified: one process, the
  sidebar rendered from scratch for every page with furo's own toctree work
  left in (``policy_sidebar_once_per_build = False``), and the pure-Python
  stemmer (PyStemmer hidden from the import system).

Measures: full build (parallel, and in one process), no-op rebuild, rebuild
after editing one notice, rebuild after changing the navigation, the full build
beside MkDocs Material on the same pages (and, beside it too, Sphinx and MyST
alone: the floor of any site built with them), the full build with the PDFs
``make html`` also publishes, and edit-to-reload in the live preview (``make
serve``, against sphinx-autobuild, which starts a new build process per save).

All HTML builds but the one so labelled leave the PDFs out
(``policy_pdf_publish = False``), as the MkDocs build has none.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from sphinx_autobuild.utils import find_free_port
from websockets.sync.client import connect

from benchmarks import synthetic
from benchmarks.measure import (
    PYTHON, ROOT, Figure, Run, Sample, Settings, compared, format_table, main_for_area, timed,
)

AREA = "build"
_figure = functools.partial(compared, AREA)
STRICT = ["-W", "--keep-going", "-n"]
# Sphinx as it comes: snowballstemmer falls back to its pure-Python stemmers.
STOCK_SPHINX = (
    "import sys; sys.modules['Stemmer'] = None; "
    "from sphinx.cmd.build import main; raise SystemExit(main(sys.argv[1:]))"
)
# The pages alone, as MkDocs makes them; the PDFs the HTML build also publishes
# are measured on their own (row "with a PDF per notice", and benchmarks/pdf.py).
PAGES_ONLY = ["-D", "policy_pdf_publish=0"]
WITH_PDFS = ["-D", "policy_pdf_publish=1"]  # as make html
# A PDF per notice costs about half a second: that row is measured up to here.
PDF_SIZES_MAX = 100
MKDOCS_REQUIREMENTS = ROOT / "benchmarks" / "requirements.txt"
# Four material versions per notice are measured up to here (four times the documents).
VERSIONS_SIZES_MAX = 100
# Sphinx's progress lines in one process (-j 1), one per document read and per
# PDF rendered (policy_sphinx_extensions/pdf/builder.py).
DOCUMENT_READ = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] ", re.MULTILINE)
PDF_RENDERED = re.compile(r"^rendering PDFs\.\.\. \[\s*\d+%\] ", re.MULTILINE)
# A save takes tenths of a second where a build takes seconds, and is as
# easily thrown off by the machine's other work: more of them make the median.
SAVES_PER_RUN = 3


def sphinx_command(
    srcdir: Path, outdir: Path, *, stock: bool = False, jobs: str = "auto",
    pdfs: bool = False, options: tuple[str, ...] = (),
) -> list[str]:
    """The sphinx-build command line of our build or of the stock one, with *options*."""
    common = ["-b", "dirhtml", "-c", str(ROOT), *STRICT, *(WITH_PDFS if pdfs else PAGES_ONLY),
              *options, str(srcdir), str(outdir)]
    if stock:
        return [PYTHON, "-c", STOCK_SPHINX, "-D", "policy_sidebar_once_per_build=0", *common]
    return [PYTHON, "-m", "sphinx", "-j", jobs, *common]


def floor_command(project: Path, outdir: Path) -> list[str]:
    """Sphinx and MyST alone on the same pages (benchmarks.synthetic.make_floor_project)."""
    return [PYTHON, "-m", "sphinx", "-j", "1", "-b", "dirhtml", "-W", "-q", str(project),
            str(outdir)]


def mkdocs_python(workdir: Path) -> Path | None:
    """A scratch virtual environment with MkDocs Material, from its pinned list."""
    venv = workdir / "mkdocs-venv"
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if marker.exists() and marker.read_text() == MKDOCS_REQUIREMENTS.read_text():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r",
                        str(MKDOCS_REQUIREMENTS)], check=True)
    except subprocess.CalledProcessError as error:
        print(f"MkDocs Material could not be installed ({error}): skipping the comparison")
        return None
    marker.write_text(MKDOCS_REQUIREMENTS.read_text())
    return python


def source_files(srcdir: Path) -> int:
    """The Markdown files a build of *srcdir* reads (not the data folder)."""
    return sum(1 for path in srcdir.rglob("*.md") if "_data" not in path.relative_to(srcdir).parts)


def _fresh(command: list[str]) -> Run:
    """*command* timed after removing its output folder, its last argument."""
    shutil.rmtree(command[-1], ignore_errors=True)
    return timed(command)


@contextlib.contextmanager
def _serving(command: list[str], port: int, answers):
    """*command* running until the block ends, once ``answers()`` no longer
    raises OSError (the server is up); fails if it stops or takes 10 minutes."""
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                answers()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start serving on port {port}")
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def reload_latency(command: list[str], port: int, notice: Path, page_url: str, repeats: int) -> Sample:
    """Seconds from saving *notice* to the server telling the browser to reload.

    Each save adds a line; the page served afterwards must hold it, so the
    figure is the time to a reload that shows the edit.
    """
    socket_url = f"ws://127.0.0.1:{port}/websocket-reload"
    runs = []
    with _serving(command, port, lambda: connect(socket_url, open_timeout=2).close()):
        for _ in range(repeats):
            marker = f"Preview edit {time.time_ns()}."
            with connect(socket_url) as socket:
                time.sleep(0.5)  # let the watcher settle after the last build
                started = time.perf_counter()
                synthetic.edit_notice(notice, marker)
                socket.recv(timeout=120)
                seconds = time.perf_counter() - started
            page = urllib.request.urlopen(page_url, timeout=30).read().decode()
            if marker not in page:
                raise RuntimeError(f"the reloaded page does not show the edit {marker!r}")
            runs.append(Run(seconds, 0.0))
    return Sample(tuple(runs))


def served_edit_latency(command: list[str], port: int, notice: Path, page_url: str,
                        repeats: int) -> Sample:
    """Seconds from saving *notice* to the server serving the page with the edit.

    For preview servers whose reload signal differs (``mkdocs serve`` long-polls
    where ``make serve`` pushes on a websocket): the page is asked for every
    20 ms until it holds the line the save added.
    """
    runs = []
    with _serving(command, port, lambda: urllib.request.urlopen(page_url, timeout=2).read()):
        for _ in range(repeats):
            marker = f"Preview edit {time.time_ns()}."
            time.sleep(1.0)  # let the watcher settle after the last build
            started = time.perf_counter()
            synthetic.edit_notice(notice, marker)
            while marker not in _page_now(page_url):
                if time.perf_counter() - started > 120:
                    raise RuntimeError(f"{page_url} never showed the edit {marker!r}")
                time.sleep(0.02)
            runs.append(Run(time.perf_counter() - started, 0.0))
    return Sample(tuple(runs))


def _page_now(page_url: str) -> str:
    """The page as served now; empty while the server cuts it short (the
    file is being written again)."""
    try:
        return urllib.request.urlopen(page_url, timeout=30).read().decode()
    except (OSError, http.client.HTTPException):
        return ""


def run(settings: Settings) -> list[Figure]:
    figures: list[Figure] = []
    mkdocs = mkdocs_python(settings.workdir)
    for size in settings.sizes:
        measured = _measure_size(settings, size, mkdocs)
        # Shown as soon as they are known: the largest size takes longest.
        print(format_table(measured), flush=True)
        figures += measured
    return figures


def _measure_size(settings: Settings, size: int, mkdocs: Path | None) -> list[Figure]:
    work = settings.workdir / f"n{size}"
    # Committed, as a real site is: every build reads the notices' versions from git.
    srcdir = synthetic.make_committed_source(work / "repo", size, versions=1)
    files = source_files(srcdir)
    builds = {
        "ours": sphinx_command(srcdir, work / "ours"),
        "serial": sphinx_command(srcdir, work / "serial", jobs="1"),
        "stock": sphinx_command(srcdir, work / "stock", stock=True),
        "floor": floor_command(synthetic.make_floor_project(work / "floor", size),
                               work / "floor-out"),
        # The same with the site's theme: what furo costs before any extension.
        "furo-floor": floor_command(
            synthetic.make_floor_project(work / "floor-furo", size, theme="furo"),
            work / "floor-furo-out"),
    }
    print(f"{size} notices: full builds", flush=True)
    if mkdocs:
        project = synthetic.make_mkdocs_project(work / "mkdocs", size)
        builds["mkdocs"] = [str(mkdocs), "-m", "mkdocs", "build", "--quiet", "-f",
                            str(project / "mkdocs.yml"), "-d", str(work / "mkdocs-site")]
    runs: dict[str, list[Run]] = {name: [] for name in builds}
    for _ in range(settings.repeats):
        for name, command in builds.items():
            runs[name].append(_fresh(command))
    full = {name: Sample(tuple(sample)) for name, sample in runs.items()}
    figures = [
        _figure("full HTML build", size, full["ours"], full["stock"]),
        _figure("full HTML build, one process (-j 1)", size, full["serial"], full["stock"]),
        _figure("full HTML build, one process (-j 1)", size, full["serial"], full["floor"],
                "Sphinx + MyST alone (target 1.25)"),
        _figure("full HTML build, one process (-j 1)", size, full["serial"], full["furo-floor"],
                "Sphinx + MyST + furo alone"),
        _figure("Sphinx + MyST + furo alone, no extension, -j 1", size, full["furo-floor"],
                full["floor"], "Sphinx + MyST alone"),
        _read_per_file(size, 1, full["serial"].runs[-1], files),
    ]
    if mkdocs:
        figures += [
            _figure("full HTML build", size, full["ours"], full["mkdocs"], "MkDocs Material"),
            _figure("full HTML build, one process (-j 1)", size, full["serial"], full["mkdocs"],
                    "MkDocs Material"),
            _figure("Sphinx + MyST alone: basic theme, no extension, -j 1", size, full["floor"],
                    full["mkdocs"], "MkDocs Material"),
        ]
    if size <= VERSIONS_SIZES_MAX:
        figures += _measure_versions(settings, work, size, full["serial"])
    if size <= PDF_SIZES_MAX:
        with_pdfs = sphinx_command(srcdir, work / "with-pdfs", jobs="1", pdfs=True)
        sample = Sample(tuple(_fresh(with_pdfs) for _ in range(settings.repeats)))
        figures.append(_figure("make html: the pages and a PDF per notice (-j 1, target 2.0)",
                               size, sample, full["serial"], "the pages alone"))
        published = sum(1 for _ in (work / "with-pdfs" / "pdf").glob("*.pdf"))
        rendered = len(PDF_RENDERED.findall(sample.runs[-1].output))
        figures.append(Figure(AREA, "PDFs rendered per source file (make html, cold)", size,
                              rendered / files, unit="per file",
                              stock=published / files, stock_label="PDFs published"))

    print(f"{size} notices: rebuilds", flush=True)
    notice = srcdir / f"{synthetic.notice_path(1)}.md"
    edits = {
        "no-op rebuild": lambda repeat: None,
        "rebuild after editing one notice":
            lambda repeat: synthetic.edit_notice(notice, f"Edited in run {repeat}."),
        "rebuild after changing the navigation":
            lambda repeat: synthetic.rename_notice_1(srcdir, str(repeat)),
    }
    floor_runs, furo_floor_runs = [], []
    for repeat in range(settings.repeats):
        floor_runs.append(timed(builds["floor"]))
        furo_floor_runs.append(timed(builds["furo-floor"]))
    for measure, edit in edits.items():
        ours_runs, stock_runs = [], []
        for repeat in range(settings.repeats):
            edit(repeat)
            ours_runs.append(timed(builds["ours"]))
            stock_runs.append(timed(builds["stock"]))
        ours = Sample(tuple(ours_runs))
        figures.append(_figure(measure, size, ours, Sample(tuple(stock_runs))))
        if measure == "no-op rebuild":
            figures.append(_figure(measure, size, ours, Sample(tuple(floor_runs)),
                                   "Sphinx + MyST no-op (target 1.2)"))
            figures.append(_figure(measure, size, ours, Sample(tuple(furo_floor_runs)),
                                   "Sphinx + MyST + furo no-op"))

    print(f"{size} notices: live preview", flush=True)
    page = synthetic.notice_path(1)
    serve = [PYTHON, "-m", "tools.serve", "--port", "{port}", str(srcdir), str(work / "serve")]

    def preview(latency, command: list[str], outdir: Path, edited: Path = notice) -> Sample:
        """*latency* of the preview server *command* (on a free port), *outdir* emptied first."""
        port = find_free_port()
        shutil.rmtree(outdir, ignore_errors=True)
        return latency([part.replace("{port}", str(port)) for part in command], port, edited,
                       f"http://127.0.0.1:{port}/{page}/", settings.repeats * SAVES_PER_RUN)

    reload = preview(reload_latency, serve, work / "serve")
    autobuild = preview(reload_latency, [
        PYTHON, "-m", "sphinx_autobuild", "--port", "{port}", "-b", "dirhtml", "-c", str(ROOT),
        "--keep-going", "-n", *PAGES_ONLY, str(srcdir), str(work / "autobuild"),
    ], work / "autobuild")
    figures.append(Figure(AREA, "edit to reload, make serve", size, reload.seconds,
                          stock=autobuild.seconds, stock_label="sphinx-autobuild"))
    if mkdocs:
        served = preview(served_edit_latency, serve, work / "serve")
        mkdocs_served = preview(served_edit_latency, [
            str(mkdocs), "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
            "-a", "127.0.0.1:{port}",
        ], work / "serve", project / "docs" / f"{page}.md")
        figures.append(Figure(AREA, "edit to the page served with it", size, served.seconds,
                              stock=mkdocs_served.seconds, stock_label="mkdocs serve"))
    return figures


def _read_per_file(size: int, versions: int, run: Run, files: int) -> Figure:
    """Documents a full build read per source file, beside what it must read:
    each source file once, and each superseded version once."""
    superseded = size * (versions - 1)
    return Figure(AREA, f"documents read per source file, {versions} version(s) each", size,
                  len(DOCUMENT_READ.findall(run.output)) / files, unit="per file",
                  stock=(files + superseded) / files,
                  stock_label="source files + superseded versions")


def _measure_versions(settings: Settings, work: Path, size: int, one_version: Sample
                      ) -> list[Figure]:
    """The full build and the no-op rebuild of the same notices, each committed
    in four material versions, beside the build of one version each."""
    versions = len(synthetic.VERSION_DATES)
    srcdir = synthetic.make_committed_source(work / "repo-versions", size, versions)
    command = sphinx_command(srcdir, work / "serial-versions", jobs="1")
    print(f"{size} notices x {versions} versions: full build and no-op", flush=True)
    full, noop = [], []
    for _ in range(settings.repeats):
        full.append(_fresh(command))
        noop.append(timed(command))
    rebuilt = Sample(tuple(noop))
    return [
        _figure(f"full HTML build, one process, {versions} versions each", size,
                Sample(tuple(full)), one_version, "one version each"),
        _read_per_file(size, versions, full[-1], source_files(srcdir)),
        Figure(AREA, f"no-op rebuild, {versions} versions each", size, rebuilt.seconds,
               cpu_seconds=rebuilt.cpu_seconds, peak_mb=rebuilt.peak_mb),
    ]


if __name__ == "__main__":
    main_for_area(run, __doc__.split("\n\n")[0])
