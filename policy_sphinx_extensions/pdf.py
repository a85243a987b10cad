"""A PDF of every notice, rendered by WeasyPrint from the notice's own HTML.

Each notice (a document of front matter ``kind: notice``) becomes one PDF
named after its URL path: ``python.org/Privacy-Notice`` is
``python.org-Privacy-Notice.pdf``. The PDF is rendered from the same resolved
doctree as the notice's web page, through Sphinx's HTML translator, so
whatever directives and roles produce on the page they produce on paper.

For the PDF the doctree copy is adjusted for paper:

* a title block: the title, the author (``author`` in conf.py) and the "Last
  updated" line that :mod:`.dates` writes from the front matter;
* links to other pages become absolute addresses on ``html_baseurl``, and
  every link that leaves the document has its address printed as a footnote
  (unless the link text already is the address), so a printed copy still
  names it;
* the "Download PDF" link of the web page is left out.

The PDF is tagged PDF/UA-1 (structure tree, language, title shown by
viewers), has an outline from the headings, and metadata: Title, Author,
Subject (the notice's opening sentence), language, and the notice's dates
as creation and modification dates. It holds no build time stamp, so two
builds of the same source are byte-identical. Rendering never fetches
anything from the network.

A rebuild renders a PDF only if it would come out different. Sphinx
rewrites every page when the navigation changes, but no PDF has a sidebar.
Each PDF rendered is recorded under ``<doctreedir>/pdf-records/<builder>/``:
digests of its print HTML and base URL, of the settings (the stylesheets'
contents, paper size, fonts setting, and the versions of WeasyPrint, pydyf
and this module), of the PDF itself, and of every local file WeasyPrint read
for it (an ``@import``-ed stylesheet, an image). When a page is written and
all of them still match, the PDF in the output is kept as it is. A notice
whose PDF no longer matches (a stylesheet edited, the PDF deleted) has its
page written again, though its source is unchanged. A PDF whose rendering
was warned about gets no record, so the next build renders it and warns
again. The installed fonts and Pango are not recorded: after upgrading
them, delete the PDFs (or the whole build).

Registers:

* the ``pdf`` builder: ``sphinx-build -b pdf`` writes only the PDFs (what
  ``make pdf`` runs);
* for the HTML builders, a "Download PDF" link under each notice's "Last
  updated" line, and the PDF itself in ``<outdir>/<policy_pdf_dir>/``, so
  the published site carries them;
* for both, an ``env-updated`` handler that has the notices whose PDF is
  missing or stale written again;
* config values ``policy_pdf_paper`` (``letter`` or ``a4``),
  ``policy_pdf_stylesheets`` (CSS files; a relative path is relative to
  the configuration directory), ``policy_pdf_fonts`` (each font family the stylesheets use, and
  the Debian package that installs it: the build fails if one is not used)
  and ``policy_pdf_dir`` (the site folder of the published PDFs).
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import logging as std_logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.dirhtml import DirectoryHTMLBuilder
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .dates import NoticeDates, is_notice, notice_dates

logger = logging.getLogger(__name__)

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
DOWNLOAD_CLASS = "pdf-download"
DOWNLOAD_TEXT = "Download PDF"
LINK_URL_CLASS = "link-url"
PUBLISHER_CLASS = "publisher"
# Under the doctree folder: what each PDF was rendered from (see write_pdf).
RECORDS_DIR = "pdf-records"
# The builders of the site itself (not epub, singlehtml, ...) publish the PDFs.
SITE_BUILDERS = ("html", "dirhtml")
# Pango renders the text; without it WeasyPrint cannot even be imported.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def pdf_filename(docname: str) -> str:
    """``python.org-Privacy-Notice.pdf``: the notice's URL path, slashes as dashes."""
    url_path = docname if docname == "index" else docname.removesuffix("/index")
    return f"{url_path.replace('/', '-')}.pdf"


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:
        raise ExtensionError(
            f"PDF output needs the system packages {SYSTEM_PACKAGES} "
            f"(Debian: apt-get install {SYSTEM_PACKAGES}): {error}"
        ) from None
    return weasyprint


# -- The doctree, made fit for paper -------------------------------------------


def _page_url(app: Sphinx, docname: str) -> str:
    return urljoin(app.config.html_baseurl, app.builder.get_target_uri(docname))


def _prepare_for_paper(app: Sphinx, docname: str, doctree: nodes.document) -> nodes.document:
    doctree = doctree.deepcopy()
    for node in list(doctree.findall(nodes.Element)):
        if DOWNLOAD_CLASS in node["classes"]:
            node.parent.remove(node)

    # A section's extra ids (MyST's GitHub-style anchors) would be written as
    # empty <span>s, which become empty elements in the PDF's structure tree;
    # on the heading they stay link targets without that.
    for section in doctree.findall(nodes.section):
        if len(section["ids"]) > 1 and isinstance(section[0], nodes.title):
            section[0]["ids"].extend(section["ids"][1:])
            del section["ids"][1:]

    title = next(iter(doctree.findall(nodes.title)))
    title.parent.insert(
        title.parent.index(title) + 1,
        nodes.paragraph("", app.config.author, classes=[PUBLISHER_CLASS]),
    )

    page_url = _page_url(app, docname)
    ids = {id_ for node in doctree.findall(nodes.Element) for id_ in node["ids"]}
    for reference in list(doctree.findall(nodes.reference)):
        refuri = reference.get("refuri", "")
        if "refid" in reference or refuri.startswith("#"):
            if reference.get("refid", refuri[1:]) not in ids:
                # A reference Sphinx could not resolve: the build has reported
                # it already; on paper it is text, not a link to nowhere.
                reference.replace_self(reference.children)
            continue
        if not refuri:
            continue
        address = urljoin(page_url, refuri)
        reference["refuri"] = address
        if _shown_address(address) != reference.astext().strip():
            url = nodes.inline("", _shown_address(address), classes=[LINK_URL_CLASS])
            reference.parent.insert(reference.parent.index(reference) + 1, url)
    return doctree


def _shown_address(address: str) -> str:
    return address.removeprefix("mailto:")


def _render_body(builder, docname: str, doctree: nodes.document) -> str:
    # As StandaloneHTMLBuilder.write_doc renders a page body.
    doctree.settings = builder.docsettings
    builder.secnumbers = builder.env.toc_secnumbers.get(docname, {})
    builder.fignumbers = builder.env.toc_fignumbers.get(docname, {})
    builder.imgpath = relative_uri(builder.get_target_uri(docname), "_images")
    builder.dlpath = relative_uri(builder.get_target_uri(docname), "_downloads")
    builder.current_docname = docname
    visitor = builder.create_translator(doctree, builder)
    doctree.walkabout(visitor)
    return "".join(visitor.fragment)


def _subject(doctree: nodes.document, skip: set[str]) -> str:
    """The notice's opening sentence: what the notice is about."""
    for paragraph in doctree.findall(nodes.paragraph):
        if skip.isdisjoint(paragraph["classes"]) and not isinstance(
            paragraph.parent, nodes.list_item
        ):
            text = " ".join(paragraph.astext().split())
            return re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text, maxsplit=1)[0]
    return ""


def print_html(app: Sphinx, docname: str, doctree: nodes.document) -> str:
    """The print-specific HTML document of one notice."""
    dates: NoticeDates = notice_dates(app.env, docname)
    paper_doctree = _prepare_for_paper(app, docname, doctree)
    title = next(iter(paper_doctree.findall(nodes.title))).astext()
    subject = _subject(paper_doctree, {PUBLISHER_CLASS, "last-updated", "notice-date"})
    body = _render_body(app.builder, docname, paper_doctree)
    meta = {
        "author": app.config.author,
        "description": subject,
        # The effective date and the newest change, not the time of the build.
        "dcterms.created": dates.date.isoformat(),
        "dcterms.modified": max(change.date for change in dates.changes).isoformat(),
    }
    head = "".join(
        f'<meta name="{name}" content="{html.escape(value)}">' for name, value in meta.items()
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(app.config.language or "en")}"><head>'
        f'<meta charset="utf-8"><title>{html.escape(title)}</title>{head}</head>'
        f'<body><main class="notice">{body}</main></body></html>'
    )


# -- WeasyPrint -----------------------------------------------------------------


class _Collect(std_logging.Handler):
    def __init__(self) -> None:
        super().__init__(std_logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: std_logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_messages():
    """WeasyPrint's warnings and errors (a resource it could not load, a CSS
    rule it ignored), to be reported as build warnings rather than lost."""
    handler = _Collect()
    weasy_logger = std_logging.getLogger("weasyprint")
    # Its step-by-step progress is not for the build log (accessible-pygments,
    # which furo imports, sends every INFO record to stderr).
    progress_logger = std_logging.getLogger("weasyprint.progress")
    progress_level = progress_logger.level
    progress_logger.setLevel(std_logging.WARNING)
    weasy_logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        weasy_logger.removeHandler(handler)
        progress_logger.setLevel(progress_level)


def _local_file_fetcher(weasyprint, files_read: set[str]):
    """WeasyPrint's fetcher of local files, noting each file it reads (an
    image, an ``@import``-ed stylesheet) in *files_read*."""

    class LocalFileFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if url.startswith("file:"):
                files_read.add(str(Path(url2pathname(urlsplit(url).path))))
            return response

    # Only local files: a PDF build never reaches the network.
    return LocalFileFetcher(allowed_protocols={"file", "data"})


@dataclass
class RenderedPDF:
    """A PDF, the local files WeasyPrint read for it, and whether it warned."""

    data: bytes
    files_read: set[str]
    # A PDF whose rendering was warned about is never taken as up to date.
    warned: bool


def render_pdf(app: Sphinx, docname: str, html: str) -> RenderedPDF:
    """The PDF of notice *docname*, from its print HTML (:func:`print_html`)."""
    paper = PAPER_SIZES[app.config.policy_pdf_paper]
    files_read: set[str] = set()
    with _weasyprint_messages() as messages:
        weasyprint = _weasyprint()
        fetcher = _local_file_fetcher(weasyprint, files_read)
        stylesheets = [
            weasyprint.CSS(filename=str(Path(app.confdir, name)), url_fetcher=fetcher)
            for name in app.config.policy_pdf_stylesheets
        ]
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {paper}; }}"))
        document = weasyprint.HTML(
            string=html, base_url=_base_url(app, docname), url_fetcher=fetcher
        ).render(stylesheets=stylesheets)
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    # WeasyPrint's messages each once, in order.
    problems = [*dict.fromkeys(messages), *_missing_fonts(app, document)]
    for problem in problems:
        logger.warning("PDF: %s", problem, location=docname, type="policy", subtype="pdf")
    return RenderedPDF(pdf, files_read, warned=bool(problems))


def _missing_fonts(app: Sphinx, document) -> list[str]:
    # A font that is not installed is replaced silently by another, and the
    # PDF would then differ from machine to machine: fail instead, naming the
    # package to install.
    used = {font.family for font in document.fonts.values()}
    return [
        f"the font {family!r} was not used (is the Debian package {package} installed?); "
        f"the text was set in {', '.join(sorted(used)) or 'no font'}"
        for family, package in app.config.policy_pdf_fonts.items()
        if family not in used
    ]


def _base_url(app: Sphinx, docname: str) -> str:
    return str(app.srcdir / docname)


# -- Rendering only the PDFs that would come out different ------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: str | Path) -> str | None:
    try:
        return _digest(Path(path).read_bytes())
    except OSError:
        return None


@cache
def _renderer_versions() -> dict[str, str]:
    return {
        "weasyprint": importlib.metadata.version("weasyprint"),
        "pydyf": importlib.metadata.version("pydyf"),  # WeasyPrint's PDF writer
        "pdf.py": _digest(Path(__file__).read_bytes()),  # how it calls WeasyPrint
    }


def _settings_digest(app: Sphinx) -> str:
    """What every PDF depends on besides its own HTML: the stylesheets'
    contents, the paper size, the fonts setting and the renderer."""
    settings = {
        "stylesheets": [
            (name, _file_digest(Path(app.confdir, name)))
            for name in app.config.policy_pdf_stylesheets
        ],
        "paper": app.config.policy_pdf_paper,
        "fonts": app.config.policy_pdf_fonts,
        **_renderer_versions(),
    }
    return _digest(json.dumps(settings, sort_keys=True).encode())


def _html_digest(app: Sphinx, docname: str, html: str) -> str:
    return _digest(f"{_base_url(app, docname)}\n{html}".encode())


def _record_file(app: Sphinx, docname: str) -> Path:
    # Beside the doctrees: kept between builds of the same output, never
    # published; one file per PDF, as parallel writers render PDFs at once.
    return Path(app.doctreedir, RECORDS_DIR, app.builder.name, f"{pdf_filename(docname)}.json")


def _kept_record(app: Sphinx, docname: str, settings: str) -> dict | None:
    """The record of the PDF in the output, if it was rendered with
    *settings*, the PDF is still the one rendered, and every local file
    WeasyPrint read for it is unchanged; otherwise None."""
    try:
        record = json.loads(_record_file(app, docname).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or cut short by an interrupted build
        return None
    kept = (
        record["settings"] == settings
        and record["pdf"] == _file_digest(_pdf_path(app, docname))
        and all(_file_digest(name) == digest for name, digest in record["files_read"].items())
    )
    return record if kept else None


def write_pdf(app: Sphinx, docname: str, doctree: nodes.document) -> None:
    """Write the PDF of *docname*, unless the one in the output already is
    what rendering would give."""
    if notice_dates(app.env, docname) is None:
        return  # dates.py has already failed the build for this notice
    html = print_html(app, docname, doctree)
    settings = _settings_digest(app)
    html_digest = _html_digest(app, docname, html)
    path = _pdf_path(app, docname)
    record = _kept_record(app, docname, settings)
    if record is not None and record["html"] == html_digest:
        logger.verbose("PDF unchanged: %s", path)
        return
    record_file = _record_file(app, docname)
    record_file.unlink(missing_ok=True)
    rendered = render_pdf(app, docname, html)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered.data)
    if rendered.warned:
        return  # so the next build renders it, and warns, again
    record = {
        "settings": settings,
        "html": html_digest,
        "pdf": _digest(rendered.data),
        "files_read": {name: _file_digest(name) for name in sorted(rendered.files_read)},
    }
    record_file.parent.mkdir(parents=True, exist_ok=True)
    record_file.write_text(json.dumps(record, indent=1), encoding="utf-8")


def _rewrite_stale_pdfs(app: Sphinx, env) -> list[str]:
    # Sphinx writes again only the pages whose source changed: a PDF
    # stylesheet edited, a PDF deleted or warned about, must have its
    # notice written again too, so that write_pdf renders it.
    if not _writes_pdfs(app):
        return []
    settings = _settings_digest(app)
    return sorted(
        docname
        for docname in env.found_docs
        if is_notice(app, docname) and _kept_record(app, docname, settings) is None
    )


# -- The PDF-only builder and the site's HTML builders -----------------------------


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
        if is_notice(self._app, docname):
            write_pdf(self._app, docname, doctree)

    def finish(self) -> None:
        # Remembers the configuration (paper size), so changing it rebuilds.
        self.write_buildinfo()


def _publishes_pdfs(app: Sphinx) -> bool:
    return app.builder.name in SITE_BUILDERS and app.config.policy_pdf_publish


def _writes_pdfs(app: Sphinx) -> bool:
    return isinstance(app.builder, NoticePDFBuilder) or _publishes_pdfs(app)


def _site_pdf_uri(app: Sphinx, docname: str) -> str:
    return f"{app.config.policy_pdf_dir}/{pdf_filename(docname)}"


def _pdf_path(app: Sphinx, docname: str) -> Path:
    if isinstance(app.builder, NoticePDFBuilder):
        return app.builder.get_output_path(docname)
    return Path(app.builder.outdir, _site_pdf_uri(app, docname))


def _add_download_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not _publishes_pdfs(app) or notice_dates(app.env, docname) is None:
        return
    last_updated = next(
        (p for p in doctree.findall(nodes.paragraph) if "last-updated" in p["classes"]), None
    )
    if last_updated is None:
        return
    href = relative_uri(app.builder.get_target_uri(docname), _site_pdf_uri(app, docname))
    link = nodes.paragraph(classes=[DOWNLOAD_CLASS])
    link += nodes.reference("", DOWNLOAD_TEXT, refuri=href, internal=True)
    last_updated.parent.insert(last_updated.parent.index(last_updated) + 1, link)


def _publish_pdf(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or not _publishes_pdfs(app) or not is_notice(app, pagename):
        return
    write_pdf(app, pagename, doctree)


def _check_config(app: Sphinx, config) -> None:
    if config.policy_pdf_paper not in PAPER_SIZES:
        raise ConfigError(
            f"policy_pdf_paper must be one of {', '.join(PAPER_SIZES)}, "
            f"not {config.policy_pdf_paper!r}"
        )
    for name in config.policy_pdf_stylesheets:
        if not Path(app.confdir, name).is_file():
            raise ConfigError(f"policy_pdf_stylesheets: no file {name!r} in {app.confdir}")


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.dates")
    app.add_config_value("policy_pdf_paper", "letter", "html", types=[str])
    app.add_config_value("policy_pdf_stylesheets", [], "html", types=[list])
    app.add_config_value("policy_pdf_fonts", {}, "html", types=[dict])
    app.add_config_value("policy_pdf_dir", "pdf", "html", types=[str])
    # The live preview turns this off: a PDF per save would double its latency.
    app.add_config_value("policy_pdf_publish", True, "html", types=[bool])
    app.add_builder(NoticePDFBuilder)
    app.connect("config-inited", _check_config)
    app.connect("doctree-resolved", _add_download_link)
    app.connect("env-updated", _rewrite_stale_pdfs)
    app.connect("html-page-context", _publish_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
