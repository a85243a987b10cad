"""Site navigation from one data file: the sidebar, the home page's site map.

``source/_data/navigation.yaml`` lists every page of the site in reading
order, grouped as the live site groups them. A page whose source is in this
project is linked as a Sphinx document (a missing one fails the build); any
other page links to its address on the live site and is marked so. Adding a
notice's source therefore turns its link into a page with nothing else to edit.

Registers:

* the ``site-map`` directive: the navigation as nested lists, plus a hidden
  toctree of the project's own pages so Sphinx knows their order;
* ``html-page-context`` handlers that render furo's sidebar tree from the
  same data, marking the current page. The tree is rendered once per build and
  only the current page's marks and the relative links are filled in per page;
  furo's own toctree rendering, which this replaces, is skipped (its cost grows
  with pages x pages). ``policy_sidebar_once_per_build = False`` turns both off,
  as the reference the output is tested against;
* ``env-before-read-docs`` and ``env-updated`` handlers that reload an edited
  navigation file (for a build process that stays up between builds) and
  rewrite every page when it changed, since every page carries the sidebar.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

from . import yamldata

LIVE_SITE_NOTE = "hosted on the current site"
# Where furo's toctree function waits while furo's handler runs.
HIDDEN_TOCTREE = "policy_hidden_toctree"


@dataclass(frozen=True)
class Entry:
    """A page (``path`` set) or a group of entries (``children`` set)."""

    title: str
    path: str | None = None
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Navigation:
    live_site: str
    entries: tuple[Entry, ...]

    def pages(self, entries: tuple[Entry, ...] | None = None):
        for entry in self.entries if entries is None else entries:
            if entry.path is not None:
                yield entry
            yield from self.pages(entry.children)

    def live_url(self, entry: Entry) -> str:
        return f"{self.live_site}{entry.path}/"


def load_navigation(path: Path) -> Navigation:
    """Read and validate the navigation file; raise DataError naming the line."""
    data = yamldata.load_file(path)
    if not isinstance(data, yamldata.Mapping):
        raise yamldata.DataError(path, 1, "expected the fields 'live_site' and 'nav'")
    live_site = data.get("live_site")
    if not isinstance(live_site, str) or not (
        live_site.startswith("https://") and live_site.endswith("/")
    ):
        raise yamldata.DataError(
            path, data.line_of("live_site"), "'live_site' must be an https:// URL ending in '/'"
        )
    entries = _entries(data.get("nav"), path, data.line_of("nav"))
    navigation = Navigation(live_site, entries)
    seen: set[str] = set()
    for page in navigation.pages():
        if page.path in seen:
            raise yamldata.DataError(path, data.line_of("nav"), f"page {page.path!r} is listed twice")
        seen.add(page.path)
    return navigation


def _entries(items, path: Path, line: int) -> tuple[Entry, ...]:
    if not isinstance(items, list) or not items:
        raise yamldata.DataError(path, line, "expected a non-empty list of entries")
    return tuple(_entry(item, path, line) for item in items)


def _entry(item, path: Path, parent_line: int) -> Entry:
    if not isinstance(item, yamldata.Mapping):
        raise yamldata.DataError(path, parent_line, "each entry must be a mapping with a 'title'")
    unknown = set(item) - {"title", "path", "children"}
    if unknown:
        raise yamldata.DataError(
            path, item.line_of(sorted(unknown)[0]), f"unknown field {sorted(unknown)[0]!r}"
        )
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise yamldata.DataError(path, item.line, "an entry needs a non-empty 'title'")
    if ("path" in item) == ("children" in item):
        raise yamldata.DataError(
            path, item.line, f"entry {title!r} needs exactly one of 'path' or 'children'"
        )
    if "children" in item:
        return Entry(title, children=_entries(item["children"], path, item.line_of("children")))
    page_path = item["path"]
    if (
        not isinstance(page_path, str)
        or not page_path
        or page_path.startswith("/")
        or page_path.endswith("/")
        or any(c.isspace() for c in page_path)
    ):
        raise yamldata.DataError(
            path,
            item.line_of("path"),
            f"entry {title!r}: 'path' must be a URL path without spaces or slashes at either end",
        )
    return Entry(title, path=page_path)


def docname_for(entry: Entry, found_docs) -> str | None:
    """The document that builds *entry*'s page here, or None if it is external."""
    for candidate in (entry.path, f"{entry.path}/index"):
        if candidate in found_docs:
            return candidate
    return None


class SiteMap(SphinxDirective):
    """The whole navigation as nested lists, for the home page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        navigation: Navigation = self.env.app.policy_navigation
        self.env.note_dependency(self.env.app.policy_navigation_file)
        self.env.policy_site_map_docs.add(self.env.docname)
        site_map = self._list(navigation, navigation.entries)
        site_map["classes"].append("site-map")

        own_pages = [
            docname
            for page in navigation.pages()
            if (docname := docname_for(page, self.env.found_docs))
        ]
        toctree = addnodes.toctree()
        toctree["parent"] = self.env.docname
        toctree["entries"] = [(None, docname) for docname in own_pages]
        toctree["includefiles"] = own_pages
        toctree["maxdepth"] = -1
        toctree["caption"] = None
        toctree["glob"] = False
        toctree["hidden"] = True
        toctree["includehidden"] = False
        toctree["numbered"] = 0
        toctree["titlesonly"] = True
        self.set_source_info(toctree)
        wrapper = nodes.compound(classes=["toctree-wrapper"])
        wrapper += toctree
        return [site_map, wrapper]

    def _list(self, navigation: Navigation, entries: tuple[Entry, ...]) -> nodes.bullet_list:
        bullets = nodes.bullet_list()
        for entry in entries:
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            item += paragraph
            if entry.children:
                paragraph += nodes.Text(entry.title)
                item += self._list(navigation, entry.children)
            elif docname := docname_for(entry, self.env.found_docs):
                xref = addnodes.pending_xref(
                    "",
                    nodes.inline("", entry.title),
                    refdomain="std",
                    reftype="doc",
                    reftarget=f"/{docname}",
                    refexplicit=True,
                    refwarn=True,
                )
                self.set_source_info(xref)
                paragraph += xref
            else:
                paragraph += nodes.reference(
                    "", entry.title, refuri=navigation.live_url(entry), classes=["live-site"]
                )
                paragraph += nodes.inline(
                    "", f" ({LIVE_SITE_NOTE})", classes=["live-site-note"]
                )
            bullets += item
        return bullets


@dataclass(frozen=True)
class SidebarTemplate:
    """The sidebar in furo's markup, rendered once per build.

    Joined as they are, ``parts`` are the sidebar with no page current. What
    differs from page to page is filled in per page: every internal link's
    relative address (``links``: part index, docname), then the marks of the
    current page (its link becomes ``#``) and of each group holding it
    (``current``: docname to part index and text). The rest (markup, escaping, checkbox numbers) is the same
    on every page, so it is not redone per page.
    """

    parts: tuple[str, ...]
    links: tuple[tuple[int, str], ...]
    current: dict[str, tuple[tuple[int, str], ...]]

    def render(self, pagename: str, pathto) -> str:
        """The sidebar as seen from *pagename*, which is marked current.

        *pathto* is the page's template helper: its links are absolute on the
        404 page (served at any address) and relative everywhere else.
        """
        parts = list(self.parts)
        for index, docname in self.links:
            parts[index] = html.escape(pathto(docname))
        for index, text in self.current.get(pagename, ()):
            parts[index] = text
        return "".join(parts)


def sidebar_template(navigation: Navigation, found_docs) -> SidebarTemplate:
    """Render *navigation* as a :class:`SidebarTemplate`."""
    parts: list[str] = []
    links: list[tuple[int, str]] = []
    current: dict[str, list[tuple[int, str]]] = {}
    checkbox_count = 0

    def slot(text: str = "") -> int:
        parts.append(text)
        return len(parts) - 1

    def render(entries: tuple[Entry, ...], level: int) -> list[str]:
        """Append the list of *entries*; return the docnames it links to."""
        nonlocal checkbox_count
        parts.append("<ul>")
        linked: list[str] = []
        for entry in entries:
            title = html.escape(entry.title)
            parts.append(f'<li class="toctree-l{level}')
            if entry.children:
                checkbox_count += 1
                number = checkbox_count
                parts.append(" has-children")
                group_class = slot()
                parts.append(
                    '">'
                    # The group's name toggles it too, not only the arrow.
                    f'<label class="reference nav-group" for="toctree-checkbox-{number}">'
                    f"{title}</label>"
                    f'<input class="toctree-checkbox" id="toctree-checkbox-{number}" '
                    f'name="toctree-checkbox-{number}" role="switch" type="checkbox" '
                    f'aria-label="Toggle navigation of {title}"'
                )
                checked = slot()
                parts.append(
                    f'><label for="toctree-checkbox-{number}"><span class="icon"><svg>'
                    f'<use href="#svg-arrow-right"></use></svg></span></label>'
                )
                inside = render(entry.children, level + 1)
                parts.append("</li>")
                for docname in inside:
                    current[docname] += [(group_class, " current"), (checked, " checked")]
                linked += inside
                continue
            docname = docname_for(entry, found_docs)
            if docname is None:
                parts.append(
                    f'"><a class="reference external live-site" '
                    f'href="{navigation.live_url(entry)}">'
                    # furo's stylesheet adds the external-link icon.
                    f'{title}<span class="visually-hidden"> ({LIVE_SITE_NOTE})</span></a></li>'
                )
                continue
            page_class = slot()
            parts.append('"><a class="reference internal')
            marker = slot()
            parts.append('" href="')
            href = slot()
            links.append((href, docname))
            parts.append(f'">{title}</a></li>')
            current.setdefault(docname, []).extend([
                (page_class, " current current-page"),
                (marker, ' current" aria-current="page'),
                (href, "#"),
            ])
            linked.append(docname)
        parts.append("</ul>")
        return linked

    render(navigation.entries, 1)
    return SidebarTemplate(
        tuple(parts), tuple(links), {docname: tuple(marks) for docname, marks in current.items()}
    )


def render_sidebar(app: Sphinx, pagename: str, pathto) -> str:
    """The sidebar tree in furo's markup, with *pagename* marked current.

    With ``policy_sidebar_once_per_build`` (the default) the tree is rendered
    once per build and reused; without it, from scratch for this page.
    """
    if not app.config.policy_sidebar_once_per_build:
        return sidebar_template(app.policy_navigation, app.env.found_docs).render(
            pagename, pathto
        )
    if app.policy_sidebar_template is None:
        app.policy_sidebar_template = sidebar_template(app.policy_navigation, app.env.found_docs)
    return app.policy_sidebar_template.render(pagename, pathto)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(app: Sphinx) -> None:
    path = Path(app.srcdir, app.config.policy_navigation_file)
    try:
        app.policy_navigation = load_navigation(path)
        app.policy_navigation_digest = _file_digest(path)
    except (OSError, yamldata.DataError) as error:
        raise ConfigError(str(error)) from None
    app.policy_navigation_file = str(path)
    app.policy_sidebar_template = None
    if not hasattr(app.env, "policy_site_map_docs"):
        app.env.policy_site_map_docs = set()


def _reload(app: Sphinx, env, docnames) -> None:
    # A build after the first in the same process (``make serve``) must see an
    # edited navigation file; the first build has just loaded it.
    try:
        unchanged = _file_digest(Path(app.policy_navigation_file)) == app.policy_navigation_digest
    except OSError:
        unchanged = False
    if not unchanged:
        _load(app)
    app.policy_sidebar_template = None


def _purge(app: Sphinx, env, docname: str) -> None:
    env.policy_site_map_docs.discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.policy_site_map_docs |= other.policy_site_map_docs & set(docnames)


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    # A page added or removed changes which nav entries are internal links.
    if added or removed:
        return sorted(env.policy_site_map_docs - set(removed))
    return []


def _rewrite_on_navigation_change(app: Sphinx, env) -> list[str]:
    # Every page carries the sidebar: when the navigation file changed since
    # the last build, every page is rewritten, not only the re-read ones.
    if getattr(env, "policy_navigation_digest", None) == app.policy_navigation_digest:
        return []
    env.policy_navigation_digest = app.policy_navigation_digest
    return sorted(env.found_docs)


def _hide_toctree_from_furo(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # furo's handler (priority 500) resolves the whole site's toctree for every
    # page, a cost growing with pages x pages, only for _page_context to
    # replace the result. Without a toctree in the context it renders nothing;
    # _page_context puts the toctree back for the templates.
    if app.config.policy_sidebar_once_per_build and "toctree" in context:
        context[HIDDEN_TOCTREE] = context.pop("toctree")


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if HIDDEN_TOCTREE in context:
        context["toctree"] = context.pop(HIDDEN_TOCTREE)
    if "furo_navigation_tree" in context:
        context["furo_navigation_tree"] = render_sidebar(app, pagename, context["pathto"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_navigation_file", "_data/navigation.yaml", "env")
    # False renders the sidebar from scratch per page and leaves furo's own
    # handler to do its work: the reference the fast path is tested against.
    app.add_config_value("policy_sidebar_once_per_build", True, "html", types=[bool])
    app.add_directive("site-map", SiteMap)
    app.connect("builder-inited", _load)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _reload)
    app.connect("env-updated", _rewrite_on_navigation_change)
    # Around furo's own handler (priority 500), whose tree this replaces.
    # Just before furo's handler (500), after any other that sets the toctree
    # (sphinx-notfound-page sets its own at 400).
    app.connect("html-page-context", _hide_toctree_from_furo, priority=499)
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
