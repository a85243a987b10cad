"""Light pages: each page loads only the styles and scripts it can use.

A notice is read on every kind of connection, so the theme's unused weight
is left out (``benchmarks/page_weight.py`` measures the result):

* ``pygments.css`` (syntax colours) only on pages with a code block;
* Sphinx's search scripts (``documentation_options.js``, ``doctools.js``,
  ``sphinx_highlight.js``) only on the search page, which runs them;
* ``furo-extensions.css`` (styles for third-party Sphinx extensions this site
  does not use) on no page;
* the site's own stylesheets (``html_static_path``) written without their
  comments and runs of whitespace, which are for their authors, not readers;
* ``furo.css`` trimmed, once the site is written, to the rules that can apply
  to it: a rule stays when one of its selectors, stripped of pseudo-classes
  and attribute tests (states a page enters while read), matches an element
  of some page, or names a class or id that one of the site's scripts uses
  (search results, the theme toggle). Dropping only what cannot match keeps
  every page looking as the full stylesheet draws it.

The trimmed file keeps the address furo gives it (``furo.css?v=<hash of
furo's file>``): a page that starts using more of furo changes the file but
not its address, so a browser may keep the shorter copy until its cache
expires.

No maintained Python library trims CSS against pages (PurgeCSS is a Node
tool); the trimming is glue between tinycss2, which parses the stylesheet,
and soupsieve, which matches selectors against the built pages.

Registers an ``html-page-context`` handler that filters each page's
``css_files`` and ``script_files``, and a ``build-finished`` handler that
trims ``furo.css`` and writes the site's stylesheets compactly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import soupsieve
import tinycss2
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SEARCH_PAGE_SCRIPTS = {"documentation_options.js", "doctools.js", "sphinx_highlight.js"}
UNUSED_STYLESHEETS = {"styles/furo-extensions.css"}
CODE_STYLESHEET = "pygments.css"
TRIMMED_STYLESHEET = Path("_static", "styles", "furo.css")

# Pseudo-classes and -elements, with their arguments (:not(.a), ::before,
# :nth-child(2n+1)), and attribute tests ([data-theme="dark"]): removed from a
# selector before matching, as they describe states, not structure.
_STATES = re.compile(r"::?[a-zA-Z-]+(?:\((?:[^()]|\([^()]*\))*\))?|\[[^\]]*\]")
_NAMES = re.compile(r"[.#](-?[_a-zA-Z][\w-]*)")
_WORDS = re.compile(r"[\w-]+")


def _filename(asset) -> str:
    """The asset's path under _static/ (Sphinx lists them as ``_static/name``)."""
    return os.fspath(getattr(asset, "filename", asset)).removeprefix("_static/")


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    has_code = doctree is not None and any(doctree.findall(nodes.literal_block))
    context["css_files"] = [
        css
        for css in context.get("css_files", [])
        if _filename(css) not in UNUSED_STYLESHEETS
        and (has_code or _filename(css) != CODE_STYLESHEET)
    ]
    if pagename != "search":
        context["script_files"] = [
            script
            for script in context.get("script_files", [])
            if _filename(script) not in SEARCH_PAGE_SCRIPTS
        ]


def selector_can_apply(selector: str, pages: list[BeautifulSoup], script_words: set[str]) -> bool:
    """Whether *selector* matches some page or names a class or id a script uses."""
    if any(name in script_words for name in _NAMES.findall(selector)):
        return True
    structure = _STATES.sub("", selector).strip()
    if not structure or structure[-1] in ">+~":
        return True  # only states (":root", "::selection"): applies everywhere
    try:
        compiled = soupsieve.compile(structure)
    except soupsieve.SelectorSyntaxError:
        return True  # what we cannot read, we keep
    return any(compiled.select_one(page) is not None for page in pages)


def trim_stylesheet(css: str, pages: list[BeautifulSoup], script_words: set[str]) -> str:
    """*css* without the style rules that can apply to none of *pages*."""

    def keep(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = tinycss2.serialize(rule.prelude).split(",")
                if any(selector_can_apply(s, pages, script_words) for s in selectors):
                    kept.append(tinycss2.serialize([rule]))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
                inner = keep(
                    tinycss2.parse_blocks_contents(
                        rule.content or [], skip_comments=True, skip_whitespace=True
                    )
                )
                if inner:
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    kept.append(f"@{rule.at_keyword} {prelude}{{{''.join(inner)}}}")
            elif rule.type == "at-rule":  # @font-face, @keyframes, @charset …
                kept.append(tinycss2.serialize([rule]))
        return kept

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(keep(rules))


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
                for neighbour in (before, after)
            ):
                continue
            node.value = " "
        for attribute in ("prelude", "content", "arguments"):
            value = getattr(node, attribute, None)
            if isinstance(value, list):
                setattr(node, attribute, _squeeze(value))
        squeezed.append(node)
    return squeezed


def compact_stylesheet(css: str) -> str:
    """*css* without comments or runs of whitespace; strings and values unchanged."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(tinycss2.serialize(_squeeze([rule])) for rule in rules)


def _compact_own_stylesheets(app: Sphinx, outdir: Path) -> None:
    for static_dir in app.config.html_static_path:
        source = Path(app.confdir, static_dir)
        for path in sorted(source.rglob("*.css")):
            target = outdir / "_static" / path.relative_to(source)
            if target.is_file():
                target.write_text(compact_stylesheet(path.read_text(encoding="utf-8")),
                                  encoding="utf-8")


def _trim(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    _compact_own_stylesheets(app, outdir)
    # Trim the theme's own copy: the one in outdir may be last build's trimmed one.
    original = next(
        (
            candidate
            for theme_dir in app.builder.theme.get_theme_dirs()
            if (candidate := Path(theme_dir, "static", *TRIMMED_STYLESHEET.parts[1:])).is_file()
        ),
        None,
    )
    if original is None:
        return
    pages = [
        BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for path in sorted(outdir.rglob("*.html"))
    ]
    script_words = {
        word
        for path in (outdir / "_static").rglob("*.js")
        for word in _WORDS.findall(path.read_text(encoding="utf-8"))
    }
    css = original.read_text(encoding="utf-8")
    trimmed = trim_stylesheet(css, pages, script_words)
    (outdir / TRIMMED_STYLESHEET).write_text(trimmed, encoding="utf-8")
    logger.info("page_weight: %s trimmed from %d to %d bytes", TRIMMED_STYLESHEET, len(css),
                len(trimmed))


def setup(app: Sphinx) -> dict:
    # After the theme and every extension have added their files.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _trim)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
