"""Light pages: each page loads only the styles and scripts it can use.

A notice is read on every kind of connection, so the theme's unused weight
is left out (``benchmarks/page_weight.py`` measures the result):

* ``pygments.css`` (syntax colours) only on pages with a code block;
* Sphinx's search scripts (``documentation_options.js``, ``doctools.js``,
  ``sphinx_highlight.js``) and the site's ``search.css`` only on the search
  page, which uses them;
* ``furo-extensions.css`` (styles for third-party Sphinx extensions this site
  does not use) on no page;
* the site's own stylesheets (``html_static_path``) written without their
  comments and runs of whitespace, which are for their authors, not readers
  (tinycss2 parses them, so strings and values are left as written).

furo's own stylesheet is served as furo ships it.

Registers an ``html-page-context`` handler that filters each page's
``css_files`` and ``script_files``, and a ``build-finished`` handler that
writes the site's stylesheets compactly.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import tinycss2
from docutils import nodes
from sphinx.application import Sphinx

from policy_sphinx_extensions.build.site_build import builds_site

SEARCH_PAGE_SCRIPTS = {"documentation_options.js", "doctools.js", "sphinx_highlight.js"}
UNUSED_STYLESHEETS = {"styles/furo-extensions.css"}
CODE_STYLESHEET = "pygments.css"
SEARCH_PAGE_STYLESHEETS = {"search.css"}


def _filename(asset) -> str:
    """The asset's path under _static/ (Sphinx lists them as ``_static/name``)."""
    return os.fspath(getattr(asset, "filename", asset)).removeprefix("_static/")


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    has_code = doctree is not None and any(doctree.findall(nodes.literal_block))
    context["css_files"] = [
        css for css in context.get("css_files", [])
        if _filename(css) not in UNUSED_STYLESHEETS
        and (has_code or _filename(css) != CODE_STYLESHEET)
        and (pagename == "search" or _filename(css) not in SEARCH_PAGE_STYLESHEETS)]
    if pagename != "search":
        context["script_files"] = [script for script in context.get("script_files", [])
                                   if _filename(script) not in SEARCH_PAGE_SCRIPTS]


# Whitespace next to these means nothing (it does around + and - in calc(),
# and between selectors, so only these).
_TIGHT = {":", ";", ","}


def _squeeze(nodes_) -> list:
    """Comments dropped, whitespace one space or none, nested blocks included."""
    kept = [node for node in nodes_ if node.type != "comment"]
    squeezed = []
    for index, node in enumerate(kept):
        if node.type == "whitespace":
            before = kept[index - 1] if index else None
            after = kept[index + 1] if index + 1 < len(kept) else None
            if before is None or after is None or any(
                    neighbour.type == "literal" and neighbour.value in _TIGHT
                    for neighbour in (before, after)):
                continue
            node.value = " "
        for attribute in ("prelude", "content", "arguments"):
            value = getattr(node, attribute, None)
            if isinstance(value, list):
                setattr(node, attribute, _squeeze(value))
        squeezed.append(node)
    return squeezed


@functools.lru_cache(maxsize=16)
def compact_stylesheet(css: str) -> str:
    """*css* without comments or runs of whitespace; strings and values unchanged
    (kept, as each build of a process compacts the same stylesheets)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(tinycss2.serialize(_squeeze([rule])) for rule in rules)


def _compact_own_stylesheets(app: Sphinx, exception) -> None:
    if exception is not None or not builds_site(app):
        return
    for static_dir in app.config.html_static_path:
        source = Path(app.confdir, static_dir)
        for path in sorted(source.rglob("*.css")):
            target = Path(app.outdir, "_static", path.relative_to(source))
            if target.is_file():
                css = path.read_text(encoding="utf-8")
                target.write_text(compact_stylesheet(css), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # After the theme and every extension have added their files.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _compact_own_stylesheets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
