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
and cssselect with lxml, which match selectors against the built pages.

Registers an ``html-page-context`` handler that filters each page's
``css_files`` and ``script_files``, and a ``build-finished`` handler that
trims ``furo.css`` and writes the site's stylesheets compactly. That handler
reads only the pages written since the last build: what it found in the
others is kept in ``<doctreedir>/page-weight.pickle``.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

import cssselect
import tinycss2
from lxml import etree
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SEARCH_PAGE_SCRIPTS = {"documentation_options.js", "doctools.js", "sphinx_highlight.js"}
UNUSED_STYLESHEETS = {"styles/furo-extensions.css"}
CODE_STYLESHEET = "pygments.css"
TRIMMED_STYLESHEET = Path("_static", "styles", "furo.css")
# Under the doctree folder: what the last build read of the pages (never published).
STATE_FILE = "page-weight.pickle"

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


def selector_structure(selector: str, script_words: set[str]) -> str | None:
    """The part of *selector* to match against pages, or None if it is always kept.

    Always kept: a selector naming a class or id a script uses, one made only
    of states (":root", "::selection"), and one we cannot read.
    """
    if any(name in script_words for name in _NAMES.findall(selector)):
        return None
    return _structure(selector)


@functools.lru_cache(maxsize=4096)
def _structure(selector: str) -> str | None:
    structure = _STATES.sub("", selector).strip()
    if not structure or structure[-1] in ">+~":
        return None
    try:
        cssselect.parse(structure)
    except cssselect.SelectorError:
        return None
    return structure


def _required_names(tree) -> set[str]:
    """Tags ("p"), classes (".note") and ids ("#top") a parsed selector needs."""
    names = set()
    while tree is not None:
        if isinstance(tree, cssselect.parser.CombinedSelector):
            names |= _required_names(tree.subselector)
            tree = tree.selector
        elif isinstance(tree, cssselect.parser.Class):
            names.add(f".{tree.class_name}")
            tree = tree.selector
        elif isinstance(tree, cssselect.parser.Hash):
            names.add(f"#{tree.id}")
            tree = tree.selector
        elif isinstance(tree, cssselect.parser.Element):
            if tree.element:
                names.add(tree.element.lower())
            tree = None
        else:  # anything else (functions, negations) narrows nothing we can name
            tree = getattr(tree, "selector", None)
    return names


class _Selector:
    """A structure compiled once: the names it needs and its XPath test."""

    _translator = cssselect.HTMLTranslator()

    def __init__(self, structure: str):
        parsed = cssselect.parse(structure)
        self.names = [frozenset(_required_names(part.parsed_tree)) for part in parsed]
        self.test = etree.XPath(f"boolean({self._translator.css_to_xpath(structure)})")

    def could_match(self, page_names: frozenset[str]) -> bool:
        return any(names <= page_names for names in self.names)


@dataclass
class _Page:
    key: tuple[int, int]  # (mtime_ns, size): the page is unchanged while this is
    names: frozenset[str]
    generation: int  # the update in which this version of the page was first seen


class BuiltPages:
    """Which selectors match some built page, remembered from one build to the next.

    A full build parses every page once, one at a time, and tries on it only the
    selectors not yet matched whose tags, classes and ids all occur in it. Later
    builds (``make serve``, incremental ``make html``) parse only what changed:
    a selector keeps its verdict while the page that matched it (its witness) is
    unchanged, and one that matched nothing is tried on the changed pages only.
    It pickles without its compiled selectors, to be kept between processes.
    """

    def __init__(self) -> None:
        self._pages: dict[Path, _Page] = {}
        self._selectors: dict[str, _Selector] = {}
        # structure -> (witness page or None, generation of the verdict)
        self._verdicts: dict[str, tuple[Path | None, int]] = {}
        self._generation = 0
        self.pages_read = 0  # by the last call of matching()

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_selectors": {}}

    def matching(self, outdir: Path, structures: set[str]) -> set[str]:
        """Those of *structures* that match an element of some page under *outdir*."""
        self._generation += 1
        current = {path: path.stat() for path in sorted(outdir.rglob("*.html"))}
        for path in set(self._pages) - set(current):
            del self._pages[path]
        changed = {
            path for path, stat in current.items()
            if path not in self._pages or self._pages[path].key != (stat.st_mtime_ns, stat.st_size)
        }
        # Pages to try each open selector on: all pages when it has no verdict
        # or lost its witness, else only pages changed since its verdict.
        open_since: dict[str, int] = {}
        for structure in structures:
            witness, generation = self._verdicts.get(structure, (None, 0))
            if witness is not None and witness in current and witness not in changed:
                continue
            open_since[structure] = 0 if witness is not None else generation
        for path in sorted(changed):
            stat = current[path]
            self._pages[path] = _Page((stat.st_mtime_ns, stat.st_size), frozenset(), 0)
        self.pages_read = 0
        for path, page in self._pages.items():
            is_changed = path in changed
            candidates = [
                structure for structure, since in open_since.items()
                if is_changed
                or (page.generation > since and self._selector(structure).could_match(page.names))
            ]
            if not (candidates or is_changed):
                continue
            tree = etree.parse(str(path), _HTML_PARSER).getroot()
            self.pages_read += 1
            if is_changed:  # every changed page is read, to know its names from now on
                page.names = _page_names(tree)
                page.generation = self._generation
            for structure in candidates:
                selector = self._selector(structure)
                if selector.could_match(page.names) and selector.test(tree):
                    self._verdicts[structure] = (path, self._generation)
                    del open_since[structure]
        for structure in open_since:
            self._verdicts[structure] = (None, self._generation)
        return {s for s in structures if self._verdicts[s][0] is not None}

    def _selector(self, structure: str) -> _Selector:
        if structure not in self._selectors:
            self._selectors[structure] = _Selector(structure)
        return self._selectors[structure]


# Plain elements: lxml.html's element classes make reading every tag slower.
_HTML_PARSER = etree.HTMLParser()


def _page_names(tree) -> frozenset[str]:
    names = {element.tag.lower() for element in tree.iter(etree.Element)}
    names.update(f".{name}" for value in tree.xpath("//@class") for name in value.split())
    names.update(f"#{value}" for value in tree.xpath("//@id"))
    return frozenset(names)


def trim_stylesheet(css: str, applies) -> str:
    """*css* without the style rules none of whose selectors *applies* to."""

    def keep(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = tinycss2.serialize(rule.prelude).split(",")
                if any(applies(selector) for selector in selectors):
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


def stylesheet_selectors(css: str) -> set[str]:
    """Every selector of *css*'s style rules, in @media and @supports too."""
    selectors = set()
    trim_stylesheet(css, lambda selector: selectors.add(selector))  # falsy: sees them all
    return selectors


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


@functools.lru_cache(maxsize=64)
def _script_words(script: str) -> frozenset[str]:
    # The scripts are copied anew by every build, unchanged: read once per text.
    return frozenset(_WORDS.findall(script))


class _StylesheetTrimmer:
    """The build-finished step. What it read and decided is kept for the next
    build: in memory in a warm application (``make serve``), where each build
    copies the theme's and the site's stylesheets over the last ones again, and
    in ``<doctreedir>/page-weight.pickle`` for the next ``sphinx-build``."""

    def __init__(self) -> None:
        self.pages = BuiltPages()
        self._selectors: tuple[str, set[str]] = ("", set())  # furo.css, its selectors
        self._trimmed: tuple[str, frozenset[str], str] = ("", frozenset(), "")
        self._compacted: dict[str, str] = {}
        self._loaded = False

    def _compact_own_stylesheets(self, app: Sphinx, outdir: Path) -> None:
        for static_dir in app.config.html_static_path:
            source = Path(app.confdir, static_dir)
            for path in sorted(source.rglob("*.css")):
                target = outdir / "_static" / path.relative_to(source)
                if target.is_file():
                    css = path.read_text(encoding="utf-8")
                    if css not in self._compacted:
                        self._compacted[css] = compact_stylesheet(css)
                    target.write_text(self._compacted[css], encoding="utf-8")

    def _load(self, app: Sphinx) -> None:
        self._loaded = True
        try:
            with Path(app.doctreedir, STATE_FILE).open("rb") as stream:
                self.pages, self._selectors, self._trimmed = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            pass  # none yet, or from another version of this module: start afresh

    def _save(self, app: Sphinx) -> None:
        path = Path(app.doctreedir, STATE_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            pickle.dump((self.pages, self._selectors, self._trimmed), stream)

    def __call__(self, app: Sphinx, exception) -> None:
        if exception is not None or app.builder.format != "html":
            return
        if not self._loaded:
            self._load(app)
        outdir = Path(app.outdir)
        self._compact_own_stylesheets(app, outdir)
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
        script_words = set().union(
            *(_script_words(path.read_text(encoding="utf-8"))
              for path in (outdir / "_static").rglob("*.js"))
        )
        css = original.read_text(encoding="utf-8")
        if self._selectors[0] != css:
            self._selectors = (css, stylesheet_selectors(css))
        structures = {
            selector: selector_structure(selector, script_words) for selector in self._selectors[1]
        }
        matching = self.pages.matching(
            outdir, {structure for structure in structures.values() if structure}
        )
        kept = frozenset(
            selector for selector, structure in structures.items()
            if structure is None or structure in matching
        )
        if self._trimmed[:2] != (css, kept):
            self._trimmed = (css, kept, trim_stylesheet(css, kept.__contains__))
        trimmed = self._trimmed[2]
        (outdir / TRIMMED_STYLESHEET).write_text(trimmed, encoding="utf-8")
        self._save(app)
        logger.info("page_weight: %s trimmed from %d to %d bytes", TRIMMED_STYLESHEET, len(css),
                    len(trimmed))
        logger.verbose("page_weight: %d built pages read", self.pages.pages_read)


def setup(app: Sphinx) -> dict:
    # After the theme and every extension have added their files.
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _StylesheetTrimmer())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
