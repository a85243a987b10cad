"""Every page as readers get it: each link and id, checked once Sphinx has resolved them.

Sphinx turns a toctree's entries into links only as it writes a page (in the
page's body, and in the navigation sidebar of every page, which the theme
renders from the toctrees of other pages); the theme and the site's
templates write links of their own, and extensions add theirs. The checks
on a page's tree while it is read (:mod:`.sources`) see none of these. So
every page, as the templates render it and before it is written, is read
once more: each attribute that holds an address (``href``, ``src``,
``srcset``, a ``<meta>`` refresh ...) must pass the link rules, each ``id``
and ``#fragment`` the id rule, both of :mod:`.links`, and nothing the page
has a browser load may come from another host (:mod:`.remote_resources`). A page that does
not is written empty and the build fails, naming the file and line of the
source that holds the value (the page's own, or the page whose toctree put
it in the navigation), or the page when no source holds it.

The page is read with lxml, that is libxml2, whose HTML parser splits a page
into tags and attributes and decodes character references (``&colon;``,
``&Tab;``) by the HTML5 standard's rules, as browsers do (from libxml2 2.14 on,
which the build requires: the wheels of the pinned lxml bundle it). The pages
are the build's own output, every value in them escaped by the templates;
what is checked is how a browser will read them, and libxml2 reads them so,
the elements whose text browsers take as text (``<title>``, ``<textarea>``)
as text and ``<noscript>``'s as markup, as a browser without scripts does. A
page libxml2 stops reading (nested over 2,048 levels) is refused, not checked
in part. Python's own
``html.parser`` read them before, four times slower, with the older rules.

Why the rendered page and not a doctree event: ``doctree-resolved`` comes
before Sphinx resolves a page's toctrees, and the sidebar is made by the
theme's templates, so only the rendered page holds every link a reader can
follow. Why in Sphinx's template bridge (its ``template_bridge`` setting,
which this extension sets) and not by reading the files written: the page is
checked before it is written, so nothing of a refused page reaches the
output, in each process of a parallel build.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sphinx.application import Sphinx
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util import logging

from policy_core.links import SOURCE_SETS, id_problem, link_problem, srcset_urls, url_scheme
from policy_sphinx_extensions.build.refusals import refuse
from policy_sphinx_extensions.checks.remote_resources import element_loads, stylesheet_problems
from policy_sphinx_extensions.checks.source_files import stylesheets_and_templates

logger = logging.getLogger(__name__)

BRIDGE = f"{__name__}.CheckedTemplates"
# The HTML attributes a browser follows, fetches or submits to.
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "cite", "data", "background", "longdesc",
    "manifest", "ping", "icon", "codebase", "archive", "usemap", "xlink:href",
})


# libxml2 reads HTML with the HTML5 standard's tokenizer (how browsers split a page into
# tags, attributes and text, and decode its character references) from this version on.
HTML5_LIBXML = (2, 14)


def page_problems(html: str, allowed: list[str]) -> list[tuple[str, str]]:
    """(the value, why it may not be published) for each address and id of *html*,
    and each address of another host it has a browser load."""
    # One parser a page: lxml's parsers are not shared between threads (make serve
    # builds in one). Read whole however deep or long the page: libxml2 otherwise
    # stops at 256 levels and at 10 MB of text, a stop it reports as a fatal error.
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    root = etree.fromstring(html, parser)
    stopped = [error for error in parser.error_log if error.level == etree.ErrorLevels.FATAL]
    if stopped:  # what follows was not read: the page is refused, not half-checked
        lines = html.split("\n")
        line = lines[min(max(stopped[0].line, 1), len(lines)) - 1]
        return [(line.strip()[:200], f"the page cannot be read whole ({stopped[0].message.strip()},"
                                     f" at its line {stopped[0].line}), so it cannot be checked")]
    urls, ids, loads = [], [], []
    for element in () if root is None else root.iter(etree.Element):
        tag, attributes = element.tag, element.attrib
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES:
                urls.append(value)
            elif name in SOURCE_SETS:
                urls += srcset_urls(value)
            elif name == "id":
                ids.append(value)
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            _, _, url = attributes.get("content", "").partition("=")
            urls.append(url.strip(" '\""))
        loads += element_loads(tag, attributes, element.sourceline)
        if tag == "style":
            loads += stylesheet_problems(element.text or "", element.sourceline)
    problems = []
    for url in urls:
        problem = link_problem(url, allowed)
        if problem is None and url_scheme(url) is None and "#" in url:
            fragment = url.partition("#")[2]
            problem = id_problem(fragment) if fragment else None
            url = fragment if problem else url
        if problem:
            problems.append((url, problem))
    problems += [(value, problem) for value in ids if (problem := id_problem(value))]
    # And nothing third-party: what the page has a browser load is the site's.
    problems += [(load.url, load.message) for load in loads]
    return problems


class CheckedTemplates(BuiltinTemplateLoader):
    """Sphinx's templates, whose every rendered page is checked before it is written."""

    def init(self, builder, *args, **kwargs) -> None:
        super().init(builder, *args, **kwargs)
        self.builder = builder
        self.reported: set[tuple] = set()

    def render(self, template: str, context: dict) -> str:
        html = super().render(template, context)
        problems = page_problems(html, self.builder.config.policy_link_schemes)
        pagename = context.get("pagename", template)
        for value, problem in problems:
            location = self.source_of(pagename, value)
            if (location, value) in self.reported:
                continue  # from a template or a toctree, on every page: said once
            self.reported.add((location, value))
            logger.error(f"{problem}, on the page {pagename!r} as written", location=location,
                         type="policy", subtype="published")
        return "" if problems else html

    def source_of(self, pagename: str, value: str) -> str | tuple[str, None] | None:
        """``file:line`` of the first file holding *value*: the page's source, the
        other pages' (a toctree), the data files, then the templates."""
        env = self.builder.env
        docnames = sorted(env.found_docs)
        if pagename in env.found_docs:
            docnames.insert(0, pagename)
        paths = [Path(env.doc2path(docname)) for docname in docnames]
        paths += sorted(Path(env.srcdir).rglob("*.yaml"))
        paths += stylesheets_and_templates(Path(self.builder.confdir), self.builder.config)
        for path in paths:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            for number, line in enumerate(lines, 1):
                if value in line:
                    return f"{path}:{number}"
        return (pagename, None) if pagename in env.found_docs else None


def _use_bridge(app: Sphinx, config) -> None:
    if etree.LIBXML_VERSION < HTML5_LIBXML:
        refuse(f"lxml is built with libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}: the "
               f"pages as written are read as browsers read them from libxml2 "
               f"{'.'.join(map(str, HTML5_LIBXML))} on (docs/security.md); install lxml "
               "from requirements.txt, whose wheels bundle it")
    if config.template_bridge not in (None, BRIDGE):
        refuse(f"template_bridge is {BRIDGE!r}: every page is checked as written "
               f"(docs/security.md), not {config.template_bridge!r}")
    config.template_bridge = BRIDGE


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.checks.sources")  # policy_link_schemes
    app.connect("config-inited", _use_bridge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
