"""A notice's doctree made fit for paper, and its print HTML.

The PDF is rendered from the same resolved doctree as the notice's web page,
through Sphinx's HTML translator, so whatever directives and roles produce on
the page they produce on paper. The copy for paper gets:

* a title block: the title, the author (``author`` in conf.py) and the "Last
  updated" line that :mod:`..dates` writes from the front matter;
* links to other pages as absolute addresses on ``html_baseurl``, and every
  link that leaves the document its address printed as a footnote (unless
  the link text already is the address), so a printed copy still names it;
* no "Download PDF" link (the page gets it after the copy is made).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util.osutil import relative_uri

import docutils
import sphinx

from policy_core import html_templates
from policy_core.front_matter import DATE_CLASSES
from policy_sphinx_extensions.reading.page_kinds import NoticeDates, notice_dates

from .records import digest, file_digest

LINK_URL_CLASS = "link-url"
PUBLISHER_CLASS = "publisher"
# The extensions' own templates, not the site's _templates/: the print page is
# part of the PDF, not of the theme, and Sphinx's template environment, which
# renders _templates/, does not escape values.
TEMPLATES = Path(__file__).parents[1] / "templates"


class PaperError(Exception):
    """A notice that cannot be put on paper; *line* is where in its source."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _title(doctree: nodes.document) -> nodes.title:
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        first_line = next((node.line for node in doctree.findall(nodes.Element) if node.line), 1)
        raise PaperError("the notice has no title heading ('# Title'): no PDF", first_line)
    return title


def paper_doctree(app: Sphinx, docname: str, doctree: nodes.document) -> nodes.document:
    # Copied before the page gets its "Download PDF" link.
    doctree = doctree.deepcopy()

    # A section's extra ids (MyST's GitHub-style anchors) would be written as
    # empty <span>s, which become empty elements in the PDF's structure tree;
    # on the heading they stay link targets without that.
    for section in doctree.findall(nodes.section):
        if len(section["ids"]) > 1 and isinstance(section[0], nodes.title):
            section[0]["ids"].extend(section["ids"][1:])
            del section["ids"][1:]

    title = _title(doctree)
    title.parent.insert(title.parent.index(title) + 1,
                        nodes.paragraph("", app.config.author, classes=[PUBLISHER_CLASS]))

    page_url = urljoin(app.config.html_baseurl, app.builder.get_target_uri(docname))
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
        shown = address.removeprefix("mailto:")
        if shown != reference.astext().strip():
            url = nodes.inline("", shown, classes=[LINK_URL_CLASS])
            reference.parent.insert(reference.parent.index(reference) + 1, url)
    return doctree


def _render_body(builder, docname: str, doctree: nodes.document) -> str:
    # As StandaloneHTMLBuilder.write_doc_serialized and write_doc render a page body.
    doctree.settings = builder.docsettings
    builder.secnumbers = builder.env.toc_secnumbers.get(docname, {})
    builder.fignumbers = builder.env.toc_fignumbers.get(docname, {})
    builder.imgpath = relative_uri(builder.get_target_uri(docname), builder.imagedir)
    # Each image's file picked and registered for copying into the output's
    # _images/, as the page's own writing does (later: the doctree is resolved
    # before the page is written): the translator then writes its address
    # there, which the PDF reads once the images are copied, and not the
    # address of its source, which is no file of the output. Sphinx's base
    # step alone: the HTML builder's own also links a resized image to its
    # file, which on paper would be a link to a path of the machine.
    Builder.post_process_images(builder, doctree)
    builder.dlpath = relative_uri(builder.get_target_uri(docname), "_downloads")
    builder.current_docname = docname
    visitor = builder.create_translator(doctree, builder)
    doctree.walkabout(visitor)
    return "".join(visitor.fragment)


def _subject(doctree: nodes.document, skip: set[str]) -> str:
    """The notice's opening sentence: what the notice is about."""
    for paragraph in doctree.findall(nodes.paragraph):
        in_list = isinstance(paragraph.parent, nodes.list_item)
        if skip.isdisjoint(paragraph["classes"]) and not in_list:
            text = " ".join(paragraph.astext().split())
            return re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text, maxsplit=1)[0]
    return ""


def print_html(app: Sphinx, docname: str, paper: nodes.document) -> str:
    dates: NoticeDates = notice_dates(app.env, docname)
    title = _title(paper).astext()
    subject = _subject(paper, {PUBLISHER_CLASS, *DATE_CLASSES})
    # The one value written unescaped: HTML already, written from the paper
    # doctree by Sphinx's HTML translator, which escapes the notice's text as
    # it does for the web page.
    body = Markup(_render_body(app.builder, docname, paper))
    meta = {
        "author": app.config.author,
        "description": subject,
        # The effective date and the newest change, not the time of the build.
        "dcterms.created": dates.date.isoformat(),
        "dcterms.modified": max((c.date for c in dates.changes), default=dates.date).isoformat(),
    }
    return print_document(app.config.language or "en", title, meta, body)


@functools.cache
def _code_digest() -> str:
    # This module and the print template: how the print HTML is made from the doctree.
    files = (Path(__file__), TEMPLATES / "notice-print.html")
    return digest(b"".join(path.read_bytes() for path in files))


def print_source(app: Sphinx, docname: str, doctree: nodes.document) -> str:
    """A digest of everything :func:`paper_doctree` and :func:`print_html`
    make the print HTML of *docname* from, without making it: the resolved
    doctree (as docutils writes it out: every node, attribute and text; a
    quarter of the cost of the print HTML), the settings they read, the
    page's address, and the code; and the contents of the image files the
    PDF shows. Those the records know by their copies in the output, which
    the build refreshes only once the pages are written: an image edited in
    the source would otherwise be taken for the one in the PDF."""
    config = app.config
    made_with = json.dumps([
        docname, app.builder.get_target_uri(docname), config.author, config.language,
        config.html_baseurl, sphinx.__version__, docutils.__version__, _code_digest(),
        # None for a remote image ("?"), or one the build has reported missing.
        [file_digest(Path(app.srcdir, candidate)) for image in doctree.findall(nodes.image)
         for candidate in sorted(image["candidates"].values())],
    ]).encode()
    return digest(made_with + doctree.pformat().encode())


@functools.cache
def _print_template():
    # Loaded once a process: every notice's PDF is written from it.
    return html_templates.environment(TEMPLATES).get_template("notice-print.html")


def print_document(language: str, title: str, meta: dict[str, str], body: Markup) -> str:
    """The print HTML document (``templates/notice-print.html``): every value
    escaped but *body*, the notice's HTML."""
    return _print_template().render(language=language, title=title, meta=meta, body=body)
