"""The sidebar: the navigation rendered by ``_templates/sidebar/navigation-tree.html``.

The template renders the tree in furo's markup with autoescaping; every
value from the navigation file reaches the page through it. furo's
``sidebar/navigation.html`` (overridden) shows the tree of each page: the
current page marked, the groups holding it open, each link relative to the
page. The data is made once per build (``env.policy_sidebar``, reset by the
navigation's collector), and so is the tree: rendered once, with a
placeholder for each of those marks (the template asks ``mark`` for them),
then for each page its placeholders replaced by the page's marks, each
escaped as the template escapes it. Rendering the tree per page cost more
than the rest of the sidebar's work at 100 notices.

furo's handler resolves the whole site's toctree for every page, a cost
growing with pages x pages, for a tree this one replaces: it is given no
toctree to render. ``policy_sidebar_once_per_build = False`` leaves furo's
work in, makes the data per page and renders the tree per page with the
marks themselves: the reference the output is tested against.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape
from sphinx.application import Sphinx

from policy_core.addresses import docname_at
from policy_sphinx_extensions.navigation.schema import Entry, Navigation

# Where furo's toctree function waits while furo's handler runs.
HIDDEN_TOCTREE = "policy_hidden_toctree"
TREE_TEMPLATE = "sidebar/navigation-tree.html"
# A mark left for the page in the tree rendered once: its kind and its item
# (a group's number or a docname, which hold no space and no \x1a).
PLACEHOLDER = re.compile("\x1a([a-z-]+) ([^\x1a ]+)\x1a")


@dataclass(frozen=True)
class SidebarItem:
    """An entry as the sidebar template shows it.

    A page built here has ``docname``; one on the live site ``url``; a group
    ``children``, the ``number`` of its toggle and the ``docnames`` inside it
    (it is open on those pages).
    """

    title: str
    docname: str | None = None
    url: str | None = None
    number: int = 0
    docnames: frozenset[str] = frozenset()
    children: tuple[SidebarItem, ...] = ()


def sidebar_items(navigation: Navigation, found_docs) -> tuple[SidebarItem, ...]:
    """The sidebar's data: the navigation with each page resolved."""
    numbers = itertools.count(1)

    def items(entries: tuple[Entry, ...]) -> tuple[SidebarItem, ...]:
        found = []
        for entry in entries:
            if entry.children:
                number = next(numbers)  # furo numbers the toggles in document order
                children = items(entry.children)
                inside = frozenset().union(
                    *(child.docnames | {child.docname} for child in children)) - {None}
                found.append(SidebarItem(entry.title, number=number, docnames=inside,
                                         children=children))
            elif docname := docname_at(entry.path, found_docs):
                found.append(SidebarItem(entry.title, docname=docname))
            else:
                found.append(SidebarItem(entry.title, url=navigation.live_url(entry)))
        return tuple(found)

    return items(navigation.entries)


def _hide_toctree_from_furo(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # furo's handler (priority 500) resolves the whole site's toctree for every
    # page, a cost growing with pages x pages, only for the sidebar template
    # to show this extension's data instead. Without a toctree in the context
    # it renders nothing; _page_context puts the toctree back for the templates.
    if app.config.policy_sidebar_once_per_build and "toctree" in context:
        context[HIDDEN_TOCTREE] = context.pop("toctree")


def _groups(items: tuple[SidebarItem, ...]) -> dict[str, frozenset[str]]:
    """Each group's number (as the placeholders write it) -> the docnames inside it."""
    found = {}
    for item in items:
        if item.children:
            found[str(item.number)] = item.docnames
            found.update(_groups(item.children))
    return found


def page_marks(pagename: str, pathto: Callable[[str], str],
               groups: dict[str, frozenset[str]]) -> Callable[[str, object], str]:
    """``mark(kind, item)`` for the page *pagename*: what the tree shows there."""

    def mark(kind: str, item) -> str:
        if kind in ("open", "checked"):
            return f" {'current' if kind == 'open' else 'checked'}" \
                if pagename in groups[str(item)] else ""
        current = item == pagename
        if kind == "href":
            return "#" if current else pathto(item)
        if not current:
            return ""
        return {"current-item": " current current-page", "current-link": " current",
                "aria-current": Markup(' aria-current="page"')}[kind]

    return mark


def _placeholder(kind: str, item) -> Markup:
    return Markup(f"\x1a{kind} {item}\x1a")


def _split(tree: str) -> tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]:
    """*tree*'s text with each placeholder left empty, and where each was:
    (its index in the text, its kind, its item)."""
    pieces = PLACEHOLDER.split(tree)  # text, kind, item, text, kind, item, ..., text
    parts = [piece if index % 3 == 0 else "" for index, piece in enumerate(pieces)]
    places = tuple((index, pieces[index], pieces[index + 1]) for index in range(1, len(pieces), 3))
    return tuple(parts), places


def _render_tree(app: Sphinx, mark) -> str:
    return app.builder.templates.render(TREE_TEMPLATE, {
        "policy_navigation_tree": app.env.policy_sidebar,
        "policy_live_site_note": app.env.policy_navigation.live_site_note,
        "mark": mark,
    })


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if HIDDEN_TOCTREE in context:
        context["toctree"] = context.pop(HIDDEN_TOCTREE)
    env = app.env
    once = app.config.policy_sidebar_once_per_build
    if env.policy_sidebar is None or not once:
        env.policy_sidebar = sidebar_items(env.policy_navigation, env.found_docs)
    groups = _groups(env.policy_sidebar)
    mark = page_marks(pagename, context["pathto"], groups)
    if not once:
        context["policy_sidebar_html"] = Markup(_render_tree(app, mark))
        return
    # The tree rendered once for the sidebar data in use (new each build).
    rendered = getattr(env, "policy_sidebar_parts", None)
    if rendered is None or rendered[0] is not env.policy_sidebar:
        rendered = env.policy_sidebar_parts = (env.policy_sidebar,
                                               *_split(_render_tree(app, _placeholder)))
    # Only a link's address differs on every page; the other marks are empty
    # but on the page's own entry and the groups holding it.
    marked = {pagename} | {number for number, inside in groups.items() if pagename in inside}
    parts = list(rendered[1])
    for index, kind, item in rendered[2]:
        if kind == "href" or item in marked:
            parts[index] = str(escape(mark(kind, item)))
    context["policy_sidebar_html"] = Markup("".join(parts))


def setup(app: Sphinx) -> dict:
    # False makes the sidebar's data per page and leaves furo's own handler
    # to do its work: the reference the fast path is tested against.
    app.add_config_value("policy_sidebar_once_per_build", True, "html", types=[bool])
    # Just before furo's handler (500), after any other that sets the toctree
    # (sphinx-notfound-page sets its own at 400).
    app.connect("html-page-context", _hide_toctree_from_furo, priority=499)
    app.connect("html-page-context", _page_context, priority=600)
    # The sidebar's data and its rendered tree are kept on the environment.
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
