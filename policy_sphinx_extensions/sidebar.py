"""The sidebar: the navigation as data for ``_templates/sidebar/navigation.html``.

The template (furo's ``sidebar/navigation.html``, overridden) renders the
tree in furo's markup with autoescaping, marking the current page and
opening the groups that hold it; every value from the navigation file reaches
the page through it. The data is made once per build
(``env.policy_sidebar``, reset by the navigation's collector); the template
is rendered per page.

furo's handler resolves the whole site's toctree for every page, a cost
growing with pages x pages, for a tree this one replaces: it is given no
toctree to render. ``policy_sidebar_once_per_build = False`` leaves furo's
work in and makes the data per page: the reference the output is tested
against.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sphinx.application import Sphinx

from .addresses import docname_at
from .navigation_file import Entry, Navigation

# Where furo's toctree function waits while furo's handler runs.
HIDDEN_TOCTREE = "policy_hidden_toctree"


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
                    *(child.docnames | {child.docname} for child in children)
                ) - {None}
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


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if HIDDEN_TOCTREE in context:
        context["toctree"] = context.pop(HIDDEN_TOCTREE)
    env = app.env
    if env.policy_sidebar is None or not app.config.policy_sidebar_once_per_build:
        env.policy_sidebar = sidebar_items(env.policy_navigation, env.found_docs)
    context["policy_navigation_tree"] = env.policy_sidebar
    context["policy_live_site_note"] = env.policy_navigation.live_site_note


def setup(app: Sphinx) -> dict:
    # False makes the sidebar's data per page and leaves furo's own handler
    # to do its work: the reference the fast path is tested against.
    app.add_config_value("policy_sidebar_once_per_build", True, "html", types=[bool])
    # Just before furo's handler (500), after any other that sets the toctree
    # (sphinx-notfound-page sets its own at 400).
    app.connect("html-page-context", _hide_toctree_from_furo, priority=499)
    app.connect("html-page-context", _page_context, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
