"""WeasyPrint: print HTML in, PDF bytes out, in worker processes.

Nothing here knows Sphinx: a :class:`Job` is plain data (the notice's print
HTML and the settings), so jobs can be sent to a pool of processes and the
PDFs rendered on every core at once, after the pages are written.

Rendering reads only the build's own files. WeasyPrint would otherwise fetch
whatever a page or a stylesheet names: an image or an attachment
(``<a rel="attachment">``) at any ``file:`` path of the machine, or any
address on the network. The fetcher here opens ``file:`` URLs under the
folders a job allows (the build output but its doctrees, the static
folders, the stylesheets' folders) and nothing else; every refusal is
reported as a problem of the page. It is WeasyPrint's own fetcher with a
check in front: WeasyPrint has no setting for a set of folders.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from sphinx.errors import ExtensionError

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
# Pango renders the text; without it WeasyPrint cannot even be imported.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


@dataclass(frozen=True)
class Settings:
    """What every PDF of a build is rendered with."""

    stylesheets: tuple[str, ...]
    paper: str
    # {font family: the Debian package that installs it}
    fonts: tuple[tuple[str, str], ...]
    # The folders whose files a PDF may read (an image, an @import-ed stylesheet),
    # and folders in them it may not.
    readable: tuple[str, ...]
    withheld: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    docname: str
    html: str
    base_url: str
    settings: Settings
    # A digest of what the print HTML was made from, for the records.
    source: str = ""


@dataclass
class RenderedPDF:
    """A PDF, the local files WeasyPrint read for it, and what went wrong."""

    data: bytes
    files_read: set[str]
    # WeasyPrint's warnings, refused fetches, missing fonts: each a build warning.
    problems: list[str]


def weasyprint_module():
    try:
        import weasyprint
    except OSError as error:
        raise ExtensionError(
            f"PDF output needs the system packages {SYSTEM_PACKAGES} "
            f"(Debian: apt-get install {SYSTEM_PACKAGES}): {error}"
        ) from None
    return weasyprint


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_messages():
    """WeasyPrint's warnings and errors (a resource it could not load, a CSS
    rule it ignored), to be reported as build warnings rather than lost."""
    handler = _Collect()
    weasy_logger = logging.getLogger("weasyprint")
    # Its step-by-step progress is not for the build log (accessible-pygments,
    # which furo imports, sends every INFO record to stderr).
    progress_logger = logging.getLogger("weasyprint.progress")
    progress_level, propagate = progress_logger.level, weasy_logger.propagate
    progress_logger.setLevel(logging.WARNING)
    # Reported once, as build warnings naming the page, not again raw.
    weasy_logger.propagate = False
    weasy_logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        weasy_logger.removeHandler(handler)
        weasy_logger.propagate = propagate
        progress_logger.setLevel(progress_level)


def _build_files_fetcher(weasyprint, settings: Settings, files_read: set[str],
                         refused: list[str]):
    """WeasyPrint's fetcher, opening only ``file:`` URLs of the readable
    folders' files; it notes each file read in *files_read* and each URL
    refused in *refused*."""
    roots = [Path(folder).resolve() for folder in settings.readable]
    withheld = [Path(folder).resolve() for folder in settings.withheld]

    class BuildFilesFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            # Symbolic links and ".." are resolved before the folder is checked.
            path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
            if (
                path is None
                or parts.netloc not in ("", "localhost")
                or not any(path.is_relative_to(root) for root in roots)
                or any(path.is_relative_to(folder) for folder in withheld)
            ):
                refused.append(url)
                raise ValueError(f"refused to read {url}: not a file of the build")
            files_read.add(str(path))
            return super().fetch(path.as_uri(), headers)

    # No network, no data: URLs: only the build's own files.
    return BuildFilesFetcher(allowed_protocols={"file"})


@dataclass
class _Prepared:
    """What every PDF of a process with the same settings is rendered with:
    WeasyPrint's font configuration and the parsed stylesheets, and what
    parsing them read, refused and said (each PDF reports it as its own)."""

    font_config: object
    stylesheets: list
    files_read: set[str]
    refused: list[str]
    messages: list[str]


# Made by the first PDF a worker renders with the settings, and kept: a new
# FontConfiguration and new CSS objects per PDF cost about a tenth of its
# rendering, for the same bytes.
@functools.cache
def _prepare(weasyprint, settings: Settings) -> _Prepared:
    from weasyprint.text.fonts import FontConfiguration

    files_read: set[str] = set()
    refused: list[str] = []
    with weasyprint_messages() as messages:
        fetcher = _build_files_fetcher(weasyprint, settings, files_read, refused)
        stylesheets = [weasyprint.CSS(filename=name, url_fetcher=fetcher)
                       for name in settings.stylesheets]
        paper = f"@page {{ size: {PAPER_SIZES[settings.paper]}; }}"
        stylesheets.append(weasyprint.CSS(string=paper))
    return _Prepared(FontConfiguration(), stylesheets, files_read, refused, list(messages))


def render_pdf(job: Job) -> RenderedPDF:
    """The tagged PDF/UA-1 of *job*'s print HTML."""
    settings = job.settings
    weasyprint = weasyprint_module()
    prepared = _prepare(weasyprint, settings)
    files_read: set[str] = set(prepared.files_read)
    refused: list[str] = list(prepared.refused)
    with weasyprint_messages() as messages:
        messages.extend(prepared.messages)
        fetcher = _build_files_fetcher(weasyprint, settings, files_read, refused)
        document = weasyprint.HTML(
            string=job.html, base_url=job.base_url, url_fetcher=fetcher
        ).render(stylesheets=prepared.stylesheets, font_config=prepared.font_config)
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    problems = [
        *(f"refused to read {url}: only the build's own files go into a PDF" for url in refused),
        # WeasyPrint's messages each once, in order; a refusal is already said.
        *(m for m in dict.fromkeys(messages) if not any(url in m for url in refused)),
        *_missing_fonts(settings, document),
    ]
    return RenderedPDF(data, files_read, problems)


def _missing_fonts(settings: Settings, document) -> list[str]:
    # A font that is not installed is replaced silently by another, and the
    # PDF would then differ from machine to machine: fail instead, naming the
    # package to install.
    used = {font.family for font in document.fonts.values()}
    return [
        f"the font {family!r} was not used (is the Debian package {package} installed?); "
        f"the text was set in {', '.join(sorted(used)) or 'no font'}"
        for family, package in settings.fonts
        if family not in used
    ]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


class Renderer:
    """Renders jobs in a pool of one process per core, started by the first
    job: the PDFs render while the build goes on writing pages.

    WeasyPrint is loaded before the workers fork, so they share it (loading
    it once is less work than once a worker). Each worker starts by freezing
    the objects it was forked with (:func:`gc.freeze`, as Python's
    documentation advises for forked processes): the build's whole
    environment, which the worker never frees, so its garbage collector
    need not walk it. Unfrozen, each full collection in a worker went
    through all of it, and it grows with the site (docs/speed.md).
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._submitted: list[tuple[Job, Future]] = []

    def submit(self, job: Job) -> None:
        if self._pool is None:
            with weasyprint_messages():  # its import logs progress too
                weasyprint_module()
            self._pool = ProcessPoolExecutor(max_workers=_cores(), initializer=gc.freeze)
        self._submitted.append((job, self._pool.submit(render_pdf, job)))

    def results(self) -> Iterator[tuple[Job, RenderedPDF | Exception]]:
        """Each job submitted with its PDF, or the exception that stopped it,
        in the order submitted; the pool is shut down after the last."""
        submitted, self._submitted = self._submitted, []
        try:
            for job, future in submitted:
                try:
                    yield job, future.result()
                except Exception as error:  # noqa: BLE001 - reported, naming the page
                    yield job, error
        finally:
            self.close()

    def close(self) -> None:
        """Stop: jobs not started are dropped, workers end."""
        self._submitted = []
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
