"""Which PDFs a build writes, rendered beside the pages and written after them.

As each notice is resolved for writing, its print HTML is made
(:mod:`.paper`) and handed to a pool of processes, one per core, that
renders it (:mod:`.render`), unless the PDF in the output is still what it
would render (:mod:`.records`); the page is written while the pool renders. When the build has finished, the PDFs are written and each
one's problems reported, naming its page. Resolving runs in the main
process whether pages are written in parallel (``-j``) or not.

The current version of a notice at its dated address has the notice's text
(:mod:`..versions.current_page`): its PDF is the notice's, copied once that is written,
never rendered a second time (the two would differ only by the page's
"Current version" banner).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.dirhtml import DirectoryHTMLBuilder
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.build.site_build import builds_site
from policy_core.addresses import pdf_filename, site_pdf_path
from policy_core.front_matter import LAST_UPDATED_CLASS
from policy_sphinx_extensions.reading.page_kinds import PagesDomain, is_notice, notice_dates
from policy_sphinx_extensions.versions.project import same_text
from . import paper, render
from .cache import PDFCache
from .records import Records

logger = logging.getLogger(__name__)


def _rejected(app: Sphinx, docname: str) -> bool:
    """Whether the build has already reported this notice's front matter or
    title as wrong (:mod:`..dates`): it gets no PDF, and no second report."""
    env = app.env
    return (notice_dates(env, docname) is None
            or docname in env.domains[PagesDomain.name].data["errors"])


class NoticePDFBuilder(DirectoryHTMLBuilder):
    """Writes one PDF per notice into the output directory, and nothing else."""

    name = "pdf"
    # It renders through the HTML translator, but what it writes is no web
    # page: extensions that add to HTML output (a feed, redirects) skip it.
    format = "pdf"
    epilog = "The PDFs are in %(outdir)s."
    search = False
    copysource = False

    def get_theme_config(self) -> tuple[str, dict]:
        # Only the body is rendered; the site's theme (and its build hooks,
        # which write the theme's assets) has no part in a PDF.
        return "basic", {}

    def get_output_path(self, page_name: str, /) -> Path:
        return Path(self.outdir, pdf_filename(page_name))

    def copy_assets(self) -> None:
        pass  # a PDF carries its styles and fonts inside it

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        pass  # no search index

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass  # the PDFs are rendered when the build has finished

    def finish(self) -> None:
        # The images the notices show, read by their PDFs from the output
        # (only those of the PDFs rendered: the notices' print HTML registers them).
        self.copy_image_files()
        # Remembers the configuration (paper size), so changing it rebuilds.
        self.write_buildinfo()


def publishes_pdfs(app: Sphinx) -> bool:
    return builds_site(app) and app.config.policy_pdf_publish


def writes_pdfs(app: Sphinx) -> bool:
    return isinstance(app.builder, NoticePDFBuilder) or publishes_pdfs(app)


def pdf_path(app: Sphinx, docname: str) -> Path:
    if isinstance(app.builder, NoticePDFBuilder):
        return app.builder.get_output_path(docname)
    return Path(app.builder.outdir, site_pdf_path(app.config.policy_pdf_dir, docname))


def render_settings(app: Sphinx) -> render.Settings:
    stylesheets = tuple(str(Path(app.confdir, name)) for name in app.config.policy_pdf_stylesheets)
    static = (str(Path(app.confdir, name)) for name in app.config.html_static_path)
    return render.Settings(
        stylesheets=stylesheets,
        paper=app.config.policy_pdf_paper,
        fonts=tuple(app.config.policy_pdf_fonts.items()),
        # The build's own files: its output, the static files, the stylesheets;
        # not the pickled environment and doctrees (which name the machine's paths).
        readable=tuple(sorted({str(app.outdir), *static,
                               *(str(Path(name).parent) for name in stylesheets)})),
        withheld=(str(app.doctreedir),),
    )


def pdf_cache(app: Sphinx, settings: render.Settings | None = None) -> PDFCache | None:
    """The build's cache of PDFs by content, if ``policy_pdf_cache_dir`` names one."""
    folder = app.config.policy_pdf_cache_dir
    if not folder:
        return None
    return PDFCache(Path(app.confdir, folder), Path(app.outdir), Path(app.confdir),
                    settings or render_settings(app))


def _add_download_link(app: Sphinx, docname: str, doctree: nodes.document) -> None:
    """The published site's "Download PDF" link, below the notice's last-updated line."""
    if not publishes_pdfs(app):
        return
    last_updated = next((p for p in doctree.findall(nodes.paragraph)
                         if LAST_UPDATED_CLASS in p["classes"]), None)
    if last_updated is None:
        return
    href = relative_uri(app.builder.get_target_uri(docname),
                        site_pdf_path(app.config.policy_pdf_dir, docname))
    link = nodes.paragraph(classes=["pdf-download"])
    link += nodes.reference("", "Download PDF", refuri=href, internal=True)
    last_updated.parent.insert(last_updated.parent.index(last_updated) + 1, link)


class PendingPDFs:
    """The PDFs one application renders in a build."""

    def __init__(self) -> None:
        self.renderer = render.Renderer()
        self.records: Records | None = None
        self.cache: PDFCache | None = None
        # PDFs found in the cache, written with those rendered.
        self.cached: list[tuple[render.Job, render.RenderedPDF]] = []
        # Notices with images: rendered once the images are copied, at the end.
        self.waiting: list[render.Job] = []
        self.count = 0
        # A current version's PDF at its dated address -> its notice's, copied once written.
        self.copies: dict[Path, Path] = {}

    def collect(self, app: Sphinx, doctree: nodes.document, docname: str) -> None:
        """doctree-resolved, after every other handler: the notice's print
        HTML goes to the renderer (unless its PDF is up to date), and its page
        gets the "Download PDF" link. The page is written meanwhile."""
        if not writes_pdfs(app) or not is_notice(app, docname) or _rejected(app, docname):
            return
        if self.records is None:
            settings = render_settings(app)
            self.records = Records(app.doctreedir, app.builder.name, settings)
            self.cache = pdf_cache(app, settings)
        notice = same_text(app.env).get(docname)
        if notice is not None:
            _add_download_link(app, docname, doctree)
            self.copies[pdf_path(app, docname)] = pdf_path(app, notice)
            return
        path = pdf_path(app, docname)
        source = paper.print_source(app, docname, doctree)
        if self.records.kept(path, source=source):
            # Made from the same as last time (after a navigation change,
            # say): no print HTML to make.
            _add_download_link(app, docname, doctree)
            logger.verbose("PDF unchanged: %s", path)
            return
        try:
            paper_doctree = paper.paper_doctree(app, docname, doctree)
        except paper.PaperError as error:
            logger.error("%s", error, location=(docname, error.line), type="policy", subtype="pdf")
            return
        _add_download_link(app, docname, doctree)
        html = paper.print_html(app, docname, paper_doctree)
        # Where the page is in the output: a relative address in it (an image
        # under _images/) is the build's own file.
        base_url = urljoin(Path(app.outdir).as_uri() + "/", app.builder.get_target_uri(docname))
        job = render.Job(docname, html, base_url, render_settings(app), source)
        if any(paper_doctree.findall(nodes.image)):
            # The images it reads are copied at the end: only then do their
            # copies say whether the PDF in the output is still what it shows.
            self.waiting.append(job)
        else:
            self._render_unless_kept(app, job)

    def _render_unless_kept(self, app: Sphinx, job: render.Job) -> None:
        path = pdf_path(app, job.docname)
        if self.records.kept(path, job):
            self.records.note_source(path, job.source)
            logger.verbose("PDF unchanged: %s", path)
            return
        self.records.forget(path)
        # From the cache, or rendered; the page's address is what its relative links are from.
        address = app.builder.get_target_uri(job.docname)
        cached = self.cache.get(job.html, address) if self.cache else None
        if cached is not None:
            self.cached.append((job, cached))
            return
        self.count += 1
        self.renderer.submit(job)

    def stale(self, app: Sphinx, env) -> list[str]:
        """env-updated: the notices to write again though their source is
        unchanged, as their PDF is missing or stale (a stylesheet edited)."""
        if not writes_pdfs(app):
            return []
        records = Records(app.doctreedir, app.builder.name, render_settings(app))
        shared = same_text(env)

        def kept(docname: str) -> bool:
            if docname in shared:  # a copy of its notice's PDF
                copy, notice = pdf_path(app, docname), pdf_path(app, shared[docname])
                return records.kept(notice) and _same_file(copy, notice)
            return records.kept(pdf_path(app, docname))

        return sorted(docname for docname in env.found_docs
                      if is_notice(app, docname) and not kept(docname))

    def finish(self, app: Sphinx, exception: Exception | None) -> None:
        """build-finished: wait for the PDFs, write them and report on each."""
        if exception is None and self.records is not None:
            for job in self.waiting:
                self._render_unless_kept(app, job)
        records, cache, count, copies = self.records, self.cache, self.count, self.copies
        cached = self.cached
        self.waiting, self.records, self.cache, self.count, self.copies = [], None, None, 0, {}
        self.cached = []
        if exception is not None or records is None:  # failed, or nothing to render
            self.renderer.close()
            return
        for job, rendered in status_iterator(
            self.renderer.results(), "rendering PDFs... ", "darkgreen", count, app.verbosity,
            stringify_func=lambda result: result[0].docname,
        ):
            _write(app, records, job, rendered)
            if cache is not None and not isinstance(rendered, Exception):
                cache.put(job.html, app.builder.get_target_uri(job.docname), rendered)
        for job, rendered in cached:
            logger.verbose("PDF from the cache: %s", pdf_path(app, job.docname))
            _write(app, records, job, rendered)
        if cached:
            logger.info("PDFs taken from the cache (%s): %d", cache.folder, len(cached))
        for copy, notice in copies.items():
            # Only a notice PDF rendered without a problem (else it has no record).
            if records.kept(notice) and not _same_file(copy, notice):
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(notice.read_bytes())


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.read_bytes() == other.read_bytes()
    except OSError:
        return False


def _write(app: Sphinx, records: Records, job: render.Job,
           rendered: render.RenderedPDF | Exception) -> None:
    if isinstance(rendered, Exception):
        logger.error("PDF: rendering failed: %s: %s", type(rendered).__name__, rendered,
                     location=job.docname, type="policy", subtype="pdf")
        return
    path = pdf_path(app, job.docname)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered.data)
    for problem in rendered.problems:
        logger.warning("PDF: %s", problem, location=job.docname, type="policy", subtype="pdf")
    if not rendered.problems:  # else the next build renders it, and warns, again
        records.record(path, job, rendered)
