"""Sources are text: a page publishes its own words and nothing else.

Every notice changes by pull request, and every pull request is built and its
output published (the preview). So what a source holds must not reach a file
of the build machine, fetch anything, or put markup of its own on the page.

docutils' own settings do most of it. They are set here, in the settings
Sphinx hands docutils for every page, rather than in a ``docutils.conf``,
which a copy of the project without that file would silently lose; and every
page is checked to have them, since a ``docutils.conf`` beside ``conf.py``
overrides what Sphinx hands docutils:

* ``file_insertion_enabled = False``: ``include``, ``literalinclude``, MyST's
  ``{include}``, and the ``:file:``/``:url:`` options of ``raw`` and
  ``csv-table`` read nothing and fail with docutils' own warning;
* ``raw_enabled = False``: the ``raw`` directive and role fail the same way.

What those settings do not cover is checked once the page is read
(``doctree-read``, before Sphinx's collectors copy any image), each failing the
build with the file and line and taking the payload out of the page:

* raw HTML written in Markdown: MyST turns it into ``raw`` nodes itself, past
  ``raw_enabled`` (only its own hard line break is such a node);
* links other than ``policy_link_schemes`` (``https:``, ``mailto:``) and
  links into the site (the rules of :mod:`.links`): ``javascript:``,
  ``data:``, ``file:``, ``http:``, ``//host`` ..., MyST links with such a
  scheme (``myst_url_schemes`` makes them references into the site, which
  name no page), an image's link and a reStructuredText named target
  (``.. _name: URL``). What Sphinx makes links of only as it writes a page
  (a toctree's entries, the navigation) is checked on the page as written
  (:mod:`.published_pages`); here each link is named at its line and taken
  out before anything copies or indexes it;
* images and downloads that are remote, outside the source directory, or of
  a type that runs script when opened (SVG, HTML: ``IMAGE_SUFFIXES``,
  ``DOWNLOAD_SUFFIXES``);
* ``<meta>`` tags (docutils' ``meta`` directive, MyST's ``html_meta``): only
  the site's templates write the page head;
* math: Sphinx would load MathJax from a CDN on the page.

A page's own MyST settings (a ``myst`` key in front matter) are refused
before MyST reads the page (:mod:`.page_parser`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from policy_core.links import DEFAULT_SCHEMES, link_problem, url_scheme
from policy_sphinx_extensions.build.refusals import refuse

logger = logging.getLogger(__name__)

DOCUTILS_SETTINGS = {"file_insertion_enabled": False, "raw_enabled": False}
# Pictures and downloads are served from the site's own address: an SVG or a
# page would run its scripts there when opened.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
DOWNLOAD_SUFFIXES = IMAGE_SUFFIXES | {".pdf", ".csv", ".txt"}
META_MESSAGE = "<meta> tags are not allowed: the page head is the site's own"
# The warning types of these checks and of docutils' disabled directives.
GUARANTEED_WARNINGS = ("policy", "docutils")

# MyST's hard line break: the only raw nodes MyST writes on its own, a pair
# that no HTML in Markdown can make (it makes no LaTeX).
LINE_BREAK = [("html", "<br />\n"), ("latex", "\\\\\n")]

# A Markdown link or autolink markdown-it refused, left in the text.
_LINK_LEFT_AS_TEXT = re.compile(
    r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*):|<([A-Za-z][A-Za-z0-9+.\-]*):[^\s<>]*>")


def _error(message: str, node: nodes.Node, subtype: str) -> None:
    # A directive's link around an image has the line of the block it is in;
    # the image has its own.
    if isinstance(node, nodes.Element):
        node = next((child for child in node.findall(nodes.Element, include_self=False)
                     if child.line is not None), node)
    logger.error(message, location=node, type="policy", subtype=subtype)


def file_problem(app: Sphinx, target: str, what: str, suffixes: frozenset[str]) -> str | None:
    """Why the file *target* (an image or a download) may not be published."""
    if url_scheme(target) is not None or target.startswith("//") or "\\" in target:
        return f"{what} {target!r} is not a file of the source directory: nothing is fetched"
    if Path(target).suffix.lower() not in suffixes:
        return f"{what} {target!r} may not be published: only {', '.join(sorted(suffixes))}"
    _, path = app.env.relfn2path(target, app.env.docname)
    srcdir = os.path.realpath(app.srcdir)
    if os.path.commonpath([srcdir, os.path.realpath(path)]) != srcdir:
        return f"{what} {target!r} is outside the source directory"
    return None


def _is_line_break(node: nodes.raw) -> bool:
    """Whether *node* is half of MyST's hard line break."""
    siblings = node.parent.children
    index = siblings.index(node)
    kinds = [(sibling.get("format"), sibling.astext()) if isinstance(sibling, nodes.raw) else None
             for sibling in siblings[max(index - 1, 0): index + 2]]
    return any(kinds[start: start + 2] == LINE_BREAK for start in range(len(kinds) - 1))


def _check_raw(app: Sphinx, doctree: nodes.document) -> None:
    for node in [node for node in doctree.findall(nodes.raw) if not _is_line_break(node)]:
        _error("raw HTML is not allowed: write the text in Markdown", node, "raw")
        node.parent.remove(node)


def _check_named_targets(doctree: nodes.document, allowed: list[str]) -> None:
    """Check each named target's address, and make each reference to it a link there.

    MyST parses ``{eval-rst}`` into a document of its own and notes only its
    targets on the page, so docutils never gives a reference to a named
    target (`` `the page`_ `` with ``.. _the page: https://...``) the
    target's address: it becomes a link to the target's place on the page
    (``#the-page``), whatever the address, and no warning says so.
    """
    refused = set()
    for node in doctree.findall(nodes.target):
        problem = link_problem(node["refuri"], allowed) if "refuri" in node else None
        if problem:
            _error(problem, node, "link")
            refused.update(node["ids"])
            del node["refuri"]
    for node in list(doctree.findall(nodes.reference)):
        target = doctree.ids.get(node.get("refid", ""))
        if node.get("refid") in refused:
            node.replace_self(nodes.inline("", "", *node.children))
        elif isinstance(target, nodes.target) and target.get("refuri"):
            del node["refid"]
            node["refuri"] = target["refuri"]


def _check_links(app: Sphinx, doctree: nodes.document) -> None:
    allowed = app.config.policy_link_schemes
    _check_named_targets(doctree, allowed)
    for node in list(doctree.findall(nodes.reference)):
        problem = link_problem(node.get("refuri", ""), allowed)
        if problem:
            _error(problem, node, "link")
            node.replace_self(nodes.inline("", "", *node.children))
    for node in list(doctree.findall(addnodes.pending_xref)):
        # MyST makes a link whose scheme is not in myst_url_schemes a reference
        # into the site; it would only warn that no page has that name.
        problem = link_problem(node.get("reftarget", ""), allowed)
        if node.get("reftype") == "myst" and problem:
            _error(problem, node, "link")
            node.replace_self(nodes.inline("", "", *node.children))
    for node in doctree.findall(nodes.Text):
        # markdown-it refuses javascript:, data:, file: and vbscript: links
        # and leaves them as text: the link is lost, the page shows Markdown.
        if isinstance(node.parent, nodes.FixedTextElement | nodes.literal):
            continue
        for match in _LINK_LEFT_AS_TEXT.finditer(node.astext()):
            scheme = (match.group(1) or match.group(2)).lower()
            if scheme not in allowed:
                _error(f"Markdown makes no link to {scheme}: and shows it as text: links are "
                       f"{', '.join(s + ':' for s in allowed)} or into the site",
                       node.parent, "link")


def _check_files(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.image)):
        problem = file_problem(app, node["uri"], "the image", IMAGE_SUFFIXES)
        if problem:
            _error(problem, node, "image")
            node.parent.remove(node)
    for node in list(doctree.findall(addnodes.download_reference)):
        problem = file_problem(app, node.get("reftarget", ""), "the download",
                                DOWNLOAD_SUFFIXES)
        if problem:
            _error(problem, node, "download")
            node.replace_self(nodes.inline("", "", *node.children))


class NoMeta(SphinxDirective):
    """docutils' ``meta`` directive, disabled as ``raw_enabled`` disables ``raw``."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        raise self.error(META_MESSAGE)


def _check_head(app: Sphinx, doctree: nodes.document) -> None:
    # What the directive cannot make: a meta node of another origin.
    for node in list(doctree.findall(nodes.meta)):
        _error(META_MESSAGE, node, "meta")
        node.parent.remove(node)


def _check_math(app: Sphinx, doctree: nodes.document) -> None:
    # Sphinx renders math with MathJax, loaded from a CDN on the page.
    for node in list(doctree.findall(lambda n: isinstance(n, nodes.math | nodes.math_block))):
        _error("math is not allowed: the page would load MathJax from another host",
               node, "math")
        node.replace_self(nodes.literal(node.astext(), node.astext()))


def _check_settings(app: Sphinx, doctree: nodes.document) -> None:
    for name, value in DOCUTILS_SETTINGS.items():
        actual = getattr(doctree.settings, name, None)
        if actual != value:
            logger.error(f"docutils setting {name} is {actual!r}, not {value!r}: a docutils.conf "
                         "turned it back", location=(app.env.docname, None), type="policy",
                         subtype="settings")


def _check_suppressed(app: Sphinx) -> None:
    # These warnings are the guarantees: a suppress_warnings entry would turn a
    # failed build into a passing one with the payload left out or in.
    for entry in app.config.suppress_warnings:
        if entry.split(".")[0] in GUARANTEED_WARNINGS:
            refuse(f"suppress_warnings may not hide {entry!r}: the build relies on "
                   f"every {' and '.join(GUARANTEED_WARNINGS)} warning")


def _settings(app: Sphinx) -> None:
    # Sphinx passes env.settings to docutils as its defaults for every document.
    app.env.settings.update(DOCUTILS_SETTINGS)


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_link_schemes", DEFAULT_SCHEMES, "env", types=[list])
    app.add_directive("meta", NoMeta, override=True)
    app.connect("builder-inited", _check_suppressed)
    app.connect("builder-inited", _settings)
    # Before Sphinx's collectors (priority 500): an image taken out is not copied.
    for check in (_check_settings, _check_raw, _check_links, _check_files, _check_head,
                  _check_math):
        app.connect("doctree-read", check, priority=300)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
