"""Nothing third-party: the site's stylesheets and templates load nothing from another host.

A stylesheet under ``_static/`` is on every page: one ``@import`` or
``url(https://…)`` in it has every reader's browser ask another host,
telling it who reads what. The same goes for a template's ``<script src>``,
``<img src>``, ``<link href>`` or inline style. So each stylesheet and
template of the build is read as a browser reads it, and each address it
would load must be a file of the site: no scheme (``https:``, ``http:``, and
``data:`` too, since a ``data:`` stylesheet can import another), no
``//host``, no backslash (read as ``/``). A link a reader follows
(``<a href>``, ``<link rel="canonical">``) is no load, and passes the link
rules on each page as written (:mod:`.published_pages`).

Stylesheets are read with tinycss2 (the CSS tokenizer WeasyPrint uses, so
escapes and comments are read as a browser reads them), templates with the
standard library's HTML parser, once Jinja's ``{{ … }}``, ``{% … %}`` and
``{# … #}`` are blanked; an address of another host written as a string in
them is refused too, since what it becomes is not known before rendering. Each problem names the file and line; :mod:`.source_files` reports
them with the rest of the tree's problems before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import tinycss2

from policy_core.links import SOURCE_SETS, srcset_urls, url_scheme
from policy_core.redline.page import TEMPLATES as REDLINE_TEMPLATES

# The project's own templates, outside templates_path: the notices' print pages
# and the version redlines' (policy_sphinx_extensions/templates), the redlines'
# (policy_core/redline/templates), and make serve's (tools/templates), read as
# files only.
PROJECT_TEMPLATES = (Path(__file__).parents[1] / "templates", REDLINE_TEMPLATES,
                     Path(__file__).parents[2] / "tools" / "templates")
# CSS functions whose string arguments are addresses.
URL_FUNCTIONS = frozenset({"url", "src", "image-set", "-webkit-image-set"})
# HTML attributes whose address a browser loads without a reader's click.
LOADED_ATTRIBUTES = frozenset({"src", "data", "poster", "background", "manifest", "codebase",
                               "archive", "action", "formaction", "ping"})
# The attributes of any element that may have a browser load something.
LOADING_ATTRIBUTES = LOADED_ATTRIBUTES | SOURCE_SETS | {"style"}
# Jinja's statements, expressions and comments, and an address of another host
# written in one (where the HTML parser cannot see what it becomes).
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_ADDRESS_IN_CODE = re.compile(r"""["']\s*((?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^"']*)""")
# <link> relations that name a page rather than load a resource.
LINK_RELATIONS = frozenset({"canonical", "alternate", "privacy-policy", "license", "author",
                            "help", "next", "prev", "search", "bookmark"})


def is_remote(url: str) -> bool:
    """Whether a browser would fetch *url* from anywhere but the site itself."""
    bare = url.strip()
    return url_scheme(bare) is not None or bare.startswith("//") or "\\" in bare


class RemoteLoad(NamedTuple):
    """An address of another host that *what*, at *line*, has a browser load."""

    line: int
    url: str
    what: str

    @property
    def message(self) -> str:
        return (f"{self.what} loads {self.url!r}, which is no file of the site: nothing is "
                "loaded from another host (or a data: URL); publish the file under _static/ "
                "and load it there")


def _css_urls(tokens: Iterable, in_url_function: bool = False) -> Iterator[tuple[int, str]]:
    """(line, address) for each address in CSS *tokens*, blocks and functions included."""
    tokens = list(tokens)
    for index, token in enumerate(tokens):
        if token.type == "url" or (in_url_function and token.type == "string"):
            yield token.source_line, token.value
        elif token.type == "at-keyword" and token.lower_value == "import":
            following = [t for t in tokens[index + 1:] if t.type not in ("whitespace", "comment")]
            if following and following[0].type == "string":
                yield following[0].source_line, following[0].value
        elif token.type == "function":
            yield from _css_urls(token.arguments, token.lower_name in URL_FUNCTIONS)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from _css_urls(token.content, in_url_function)


@functools.lru_cache(maxsize=1024)
def _remote_css_urls(css: str) -> tuple[tuple[int, str], ...]:
    """(line, address) for each remote address of *css*: kept, as every page of a
    build holds the same few inline styles."""
    tokens = tinycss2.parse_component_value_list(css)
    return tuple((line, url) for line, url in _css_urls(tokens) if is_remote(url))


def stylesheet_problems(css: str, first_line: int = 1) -> list[RemoteLoad]:
    """Each remote address the stylesheet *css* loads."""
    return [RemoteLoad(first_line + line - 1, url, "the stylesheet")
            for line, url in _remote_css_urls(css)]


def element_loads(tag: str, attributes: Mapping[str, str], line: int) -> list[RemoteLoad]:
    """Each remote address the element ``<tag attributes>``, at *line*, has a browser
    load (by its attributes: a ``<style>`` element's text is :func:`stylesheet_problems`')."""
    if tag != "link" and LOADING_ATTRIBUTES.isdisjoint(attributes):
        return []  # most elements of a page: said at once
    loads = []

    def check(url: str, what: str) -> None:
        if is_remote(url):
            loads.append(RemoteLoad(line, url, what))

    for name, value in attributes.items():
        if name in LOADED_ATTRIBUTES:
            check(value, f"<{tag} {name}>")
        elif name in SOURCE_SETS:
            for url in srcset_urls(value):
                check(url, f"<{tag} {name}>")
        elif name == "style":
            loads += stylesheet_problems(value, line)
    relations = set(attributes.get("rel", "").lower().split())
    if tag == "link" and not (relations and relations <= LINK_RELATIONS):
        check(attributes.get("href", ""), f"<link rel={attributes.get('rel', '')!r}>")
    return loads


class HTMLLoads(HTMLParser):
    """Reads HTML, keeping in ``loads`` each address of another host a browser would load."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[RemoteLoad] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.loads += element_loads(tag, {name: value or "" for name, value in attrs},
                                    self.getpos()[0])
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.loads += stylesheet_problems(data, self.getpos()[0])


@functools.lru_cache(maxsize=64)
def template_problems(html: str) -> tuple[RemoteLoad, ...]:
    """Each remote address the template *html* has a browser load: kept, as each
    build of a process (make serve's, the tests') checks the same templates."""
    problems = []
    for match in _JINJA.finditer(html):
        for address in _ADDRESS_IN_CODE.finditer(match.group()):
            line = html.count("\n", 0, match.start() + address.start()) + 1
            problems.append(RemoteLoad(line, address.group(1), "the template's code"))
    # Jinja's code, blanked (its lines kept), would read as HTML: '<aside' in a string.
    parser = HTMLLoads()
    parser.feed(_JINJA.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), html))
    parser.close()
    return (*problems, *parser.loads)


def file_problems(paths: Iterable[Path]) -> Iterator[tuple[Path, int, str]]:
    """(file, line, why) for each remote load in the stylesheets and templates of *paths*."""
    for path in paths:
        suffix = path.suffix.lower()
        if suffix not in (".css", ".html") or not path.is_file() or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        check = stylesheet_problems if suffix == ".css" else template_problems
        for load in check(text):
            yield path, load.line, load.message
