"""``sitemap.xml``: every page of the site, at its live address.

Written after each HTML build from the whole project: every document the
build environment knows and the pages Sphinx generates (search, additional
pages), at ``html_baseurl`` plus the builder's address of each, less the
addresses ``policy_sitemap_excludes`` matches (globs, e.g. ``"404/"``) and
the pages whose canonical link names another page. A sitemap proposes each
address it lists as canonical, so it lists only those that are: an extension
whose pages name another canonical page answers the ``policy-canonical-page``
event (the versions of a notice name the notice: :mod:`.versions`). Pages
written outside Sphinx's documents (the versions' redlines) are not in it;
they tell search engines ``noindex``.

Why not sphinx-sitemap: it lists the pages written in the run at hand, so an
incremental build (a notice edited, then ``make html``) wrote a sitemap of the
two or three pages it rewrote. The list of pages is the environment's, which
is the same however much of the site a build rewrites.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from xml.etree import ElementTree

from sphinx.application import Sphinx

from policy_sphinx_extensions.build.site_build import builds_site

SITEMAP_FILE = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# (app, pagename) -> the docname of the page canonical for it, or None for itself.
CANONICAL_PAGE_EVENT = "policy-canonical-page"


def canonical_page(app: Sphinx, pagename: str) -> str:
    """The page whose address is *pagename*'s canonical one (usually itself)."""
    return app.emit_firstresult(CANONICAL_PAGE_EVENT, pagename) or pagename


def page_addresses(app: Sphinx) -> list[str]:
    """The address of every page the site has, relative to ``html_baseurl``,
    less the excluded ones, sorted."""
    builder = app.builder
    pagenames = set(app.env.found_docs) | set(app.config.html_additional_pages)
    if builder.search:
        pagenames.add("search")
    if app.config.html_use_index:
        pagenames.add("genindex")
    addresses = {builder.get_target_uri(pagename) for pagename in pagenames
                 if canonical_page(app, pagename) == pagename}
    excluded = app.config.policy_sitemap_excludes
    return sorted(address for address in addresses
                  if not any(fnmatch.fnmatchcase(address, pattern) for pattern in excluded))


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not builds_site(app):
        return
    base = app.config.html_baseurl.rstrip("/") + "/"
    root = ElementTree.Element("urlset", xmlns=NAMESPACE)
    for address in page_addresses(app):
        url = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(url, "loc").text = base + address
    ElementTree.ElementTree(root).write(Path(app.outdir, SITEMAP_FILE), xml_declaration=True,
                                        encoding="utf-8", method="xml")


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_sitemap_excludes", [], "html", types=[list])
    app.add_event(CANONICAL_PAGE_EVENT)
    app.connect("build-finished", _write)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
