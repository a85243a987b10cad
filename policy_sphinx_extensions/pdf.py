"""A PDF of every notice, rendered by WeasyPrint from the notice's own HTML.

Each notice (every document not in ``policy_site_pages``) becomes one PDF
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

Registers:

* the ``pdf`` builder: ``sphinx-build -b pdf`` writes only the PDFs (what
  ``make pdf`` runs);
* for the HTML builders, a "Download PDF" link under each notice's "Last
  updated" line, and the PDF itself in ``<outdir>/<policy_pdf_dir>/``, so
  the published site carries them;
* config values ``policy_pdf_paper`` (``letter`` or ``a4``),
  ``policy_pdf_stylesheets`` (CSS files; a relative path is relative to
  the configuration directory), ``policy_pdf_fonts`` (each font family the stylesheets use, and
  the Debian package that installs it: the build fails if one is not used)
  and ``policy_pdf_dir`` (the site folder of the published PDFs).
"""

from __future__ import annotations

import html
import logging as std_logging
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.dirhtml import DirectoryHTMLBuilder
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .dates import NoticeDates

logger = logging.getLogger(__name__)

PAPER_SIZES = {"letter": "letter", "a4": "A4"}
DOWNLOAD_CLASS = "pdf-download"
DOWNLOAD_TEXT = "Download PDF"
LINK_URL_CLASS = "link-url"
PUBLISHER_CLASS = "publisher"
# The builders of the site itself (not epub, singlehtml, ...) publish the PDFs.
SITE_BUILDERS = ("html", "dirhtml")
# Pango renders the text; without it WeasyPrint cannot even be imported.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def pdf_filename(docname: str) -> str:
    """``python.org-Privacy-Notice.pdf``: the notice's URL path, slashes as dashes."""
    url_path = docname if docname == "index" else docname.removesuffix("/index")
    return f"{url_path.replace('/', '-')}.pdf"


def is_notice(app: Sphinx, docname: str) -> bool:
    return docname not in app.config.policy_site_pages


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
    dates: NoticeDates = app.env.policy_notice_dates[docname]
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


def render_pdf(app: Sphinx, docname: str, doctree: nodes.document) -> bytes:
    """The PDF of notice *docname*, from its resolved *doctree*."""
    paper = PAPER_SIZES[app.config.policy_pdf_paper]
    with _weasyprint_messages() as messages:
        weasyprint = _weasyprint()
        # Only local files: a PDF build never reaches the network.
        fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
        stylesheets = [
            weasyprint.CSS(filename=str(Path(app.confdir, name)), url_fetcher=fetcher)
            for name in app.config.policy_pdf_stylesheets
        ]
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {paper}; }}"))
        document = weasyprint.HTML(
            string=print_html(app, docname, doctree),
            base_url=str(app.srcdir / docname),
            url_fetcher=fetcher,
        ).render(stylesheets=stylesheets)
        pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    for message in dict.fromkeys(messages):  # each once, in order
        logger.warning("PDF: %s", message, location=docname, type="policy", subtype="pdf")
    _check_fonts(app, document, docname)
    return pdf


def _check_fonts(app: Sphinx, document, docname: str) -> None:
    # A font that is not installed is replaced silently by another, and the
    # PDF would then differ from machine to machine: fail instead, naming the
    # package to install.
    used = {font.family for font in document.fonts.values()}
    for family, package in app.config.policy_pdf_fonts.items():
        if family not in used:
            logger.warning(
                "PDF: the font %r was not used (is the Debian package %s installed?); "
                "the text was set in %s",
                family, package, ", ".join(sorted(used)) or "no font",
                location=docname, type="policy", subtype="pdf",
            )


def write_pdf(app: Sphinx, docname: str, doctree: nodes.document, path: Path) -> None:
    if docname not in app.env.policy_notice_dates:
        return  # dates.py has already failed the build for this notice
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_pdf(app, docname, doctree))


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
            write_pdf(self._app, docname, doctree, self.get_output_path(docname))

    def finish(self) -> None:
        # Remembers the configuration (paper size), so changing it rebuilds.
        self.write_buildinfo()


def _publishes_pdfs(app: Sphinx) -> bool:
    return app.builder.name in SITE_BUILDERS


def _site_pdf_uri(app: Sphinx, docname: str) -> str:
    return f"{app.config.policy_pdf_dir}/{pdf_filename(docname)}"


def _add_download_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not _publishes_pdfs(app) or docname not in app.env.policy_notice_dates:
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
    path = Path(app.builder.outdir, _site_pdf_uri(app, pagename))
    write_pdf(app, pagename, doctree, path)


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
    app.add_builder(NoticePDFBuilder)
    app.connect("config-inited", _check_config)
    app.connect("doctree-resolved", _add_download_link)
    app.connect("html-page-context", _publish_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
