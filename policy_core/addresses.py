"""The site's addresses: which document a URL path is, and the URL of a document.

The site is built with Sphinx's ``dirhtml`` builder, so a document's page is a
folder: ``python.org/Privacy-Notice`` is at ``python.org/Privacy-Notice/``, a
folder's ``index`` at the folder (``python.org/code-of-conduct/index`` at
``python.org/code-of-conduct/``) and the root document at ``""``. The live
site uses the same addresses. Every module that turns a document into an
address, or an address into a document, uses these functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Container
from urllib.parse import urljoin

from sphinx.util.osutil import relative_uri


def page_path(docname: str) -> str:
    """The URL path of *docname*'s page: ``""``, ``"a/"``, ``"a/b/"``."""
    return "" if docname == "index" else f"{docname.removesuffix('/index')}/"


def pdf_filename(docname: str) -> str:
    """``python.org-Privacy-Notice.pdf``: the notice's URL path, slashes as dashes."""
    return f"{(page_path(docname).rstrip('/') or 'index').replace('/', '-')}.pdf"


def site_pdf_path(pdf_dir: str, docname: str) -> str:
    """The address of *docname*'s PDF on the site: ``pdf/python.org-Privacy-Notice.pdf``."""
    return f"{pdf_dir}/{pdf_filename(docname)}"


def redline_path(docname: str) -> str:
    """The URL path of the redline of version *docname* against the one before it."""
    return f"{page_path(docname)}redline/"


def redline_pdf_path(pdf_dir: str, docname: str) -> str:
    """The address of that redline's PDF: ``pdf/<notice>-<date>-redline.pdf``."""
    return site_pdf_path(pdf_dir, docname).removesuffix(".pdf") + "-redline.pdf"


def page_file(url_path: str) -> str:
    """The built file of the page at *url_path*, under the output folder:
    ``""`` is ``index.html``, ``a/b/`` is ``a/b/index.html``; a file's path is its own."""
    return f"{url_path}index.html" if url_path == "" or url_path.endswith("/") else url_path


def file_url_path(relative_file: str) -> str:
    """The URL path of a built file (its path under the output folder):
    ``index.html`` is ``""``, ``a/b/index.html`` is ``a/b/``; any other file, its path."""
    is_page = relative_file == "index.html" or relative_file.endswith("/index.html")
    return relative_file.removesuffix("index.html") if is_page else relative_file


def dated_docname(notice: str, date: datetime.date) -> str:
    """The document of *notice*'s version of *date*: its page is under the notice's."""
    return f"{notice.removesuffix('/index')}/{date.isoformat()}"


def page_url(docname: str, *, base: str | None = None, start: str | None = None) -> str:
    """The address of *docname*'s page.

    With *base* (an origin or folder URL ending in ``/``): absolute, under it.
    With *start* (another document): relative to that document's page, as a
    link written on it. *docname* may also be a page path without its
    trailing slash (``a/b``), for pages the live site has and this build not.
    """
    if (base is None) == (start is None):
        raise TypeError("page_url needs exactly one of base= or start=")
    if base is not None:
        return urljoin(base, page_path(docname))
    return relative_uri(page_path(start), page_path(docname)) or "./"


def page_docnames(path: str) -> tuple[str, ...]:
    """The documents whose page would be at URL *path* (``a/b`` or ``a/b/``),
    the first found taken: ``a/b``, then ``a/b/index``."""
    path = path.strip("/")
    return (path, f"{path}/index") if path else ("index",)


def docname_at(path: str, found_docs: Container[str]) -> str | None:
    """The document whose page is at URL *path* (``a/b`` or ``a/b/``), or None."""
    return next((docname for docname in page_docnames(path) if docname in found_docs), None)
